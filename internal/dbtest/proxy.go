package dbtest

import (
	"context"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy sits between code under test and PostgreSQL and misbehaves on
// demand, as a network or a server can: Freeze stops forwarding (a frozen
// server or a black-holed network: connections open, nothing answers), Cut
// drops every connection and refuses new ones (a stopped server), Restore
// forwards again.
type Proxy struct {
	ln     net.Listener
	target string
	ctx    context.Context // bounds the dials to the server; cancelled when the test ends

	mu     sync.Mutex
	state  proxyState
	thawed chan struct{} // closed while forwarding
	links  map[net.Conn]struct{}
}

type proxyState int

const (
	forwarding proxyState = iota
	frozen
	cut
)

// NewProxy forwards a local port to the server of databaseURL until the test
// ends. Connect through Proxy.URL.
func NewProxy(t testing.TB, databaseURL string) *Proxy {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatalf("dbtest: proxy: %v", err)
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	ln, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("dbtest: proxy: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{ln: ln, target: net.JoinHostPort(u.Hostname(), port), ctx: ctx, thawed: make(chan struct{}), links: map[net.Conn]struct{}{}}
	close(p.thawed)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.accept()
	}()
	t.Cleanup(func() {
		cancel()
		_ = ln.Close() // stops accept; the test is over either way
		<-done
		p.Cut()
		p.Restore() // releases the copies a freeze held, onto closed connections
	})
	return p
}

// URL is databaseURL with its host and port replaced by the proxy's.
func (p *Proxy) URL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		panic(err) // NewProxy parsed the same URL
	}
	u.Host = p.ln.Addr().String()
	q := u.Query()
	q.Del("host")
	u.RawQuery = q.Encode()
	return u.String()
}

// Freeze stops forwarding bytes on every connection, open or new, until
// Restore; connections stay open and nothing answers.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == forwarding {
		p.thawed = make(chan struct{})
	}
	p.state = frozen
}

// Cut closes every connection and refuses new ones (accepted, then closed at
// once) until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == forwarding {
		p.thawed = make(chan struct{})
	}
	p.state = cut
	for c := range p.links {
		_ = c.Close() // dropped either way
	}
	clear(p.links)
}

// Restore forwards again, releasing what a freeze held.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != forwarding {
		close(p.thawed)
	}
	p.state = forwarding
}

func (p *Proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return // the listener closed with the test
		}
		go p.link(client)
	}
}

// link forwards one client connection to the server.
func (p *Proxy) link(client net.Conn) {
	p.mu.Lock()
	if p.state == cut {
		p.mu.Unlock()
		_ = client.Close() // refused either way
		return
	}
	p.links[client] = struct{}{}
	p.mu.Unlock()
	server, err := new(net.Dialer).DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		p.drop(client)
		return
	}
	p.mu.Lock()
	if _, open := p.links[client]; !open { // cut while dialling
		p.mu.Unlock()
		_ = client.Close() // dropped either way
		_ = server.Close()
		return
	}
	p.links[server] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go p.pipe(server, client, done)
	go p.pipe(client, server, done)
	<-done // either side ending ends both
	p.drop(client)
	p.drop(server)
}

// pipe copies from src to dst, holding each chunk while frozen.
func (p *Proxy) pipe(dst, src net.Conn, done chan<- struct{}) {
	defer func() { done <- struct{}{} }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			thawed := p.thawed
			p.mu.Unlock()
			<-thawed
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.links, c)
	p.mu.Unlock()
	_ = c.Close() // dropped either way
}
