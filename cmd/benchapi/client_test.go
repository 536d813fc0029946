package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// gotAuth is the Authorization header of the last request to /auth.
var gotAuth atomic.Value

// testServer serves the benchmark client's cases and counts the connections
// it accepts, to show when the client reuses one.
func testServer(t *testing.T) (addr string, dials *atomic.Int64) {
	t.Helper()
	dials = new(atomic.Int64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/auth":
			gotAuth.Store(r.Header.Get("Authorization"))
		case "/missing":
			http.NotFound(w, r)
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = w.Write([]byte("bye"))
		case "/chunked":
			_, _ = w.Write([]byte("part"))
			w.(http.Flusher).Flush() // no Content-Length: the body is chunked
			_, _ = w.Write([]byte("more"))
		default:
			body := strings.Repeat("x", 100_000) // bigger than the client's buffer
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write([]byte(body))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), dials
}

func TestClientReadsWholeResponsesOnOneConnection(t *testing.T) {
	addr, dials := testServer(t)
	c := conn{addr: addr}
	defer c.close()
	for range 3 {
		status, err := c.get("/big", "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("GET /big = %d, %v; want 200", status, err)
		}
	}
	status, err := c.get("/missing", "")
	if err != nil || status != http.StatusNotFound {
		t.Fatalf("GET /missing = %d, %v; want 404", status, err)
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("%d connections for four requests; the client must keep its connection alive", n)
	}
}

func TestClientSendsTheAuthorizationHeader(t *testing.T) {
	addr, _ := testServer(t)
	c := conn{addr: addr}
	defer c.close()
	for _, auth := range []string{"Bearer t0ken", ""} {
		if _, err := c.get("/auth", auth); err != nil {
			t.Fatal(err)
		}
		if got := gotAuth.Load(); got != auth {
			t.Fatalf("the server got Authorization %q, want %q", got, auth)
		}
	}
}

func TestClientRedialsAfterTheServerCloses(t *testing.T) {
	addr, dials := testServer(t)
	c := conn{addr: addr}
	defer c.close()
	for range 2 {
		if status, err := c.get("/close", ""); err != nil || status != http.StatusOK {
			t.Fatalf("GET /close = %d, %v; want 200", status, err)
		}
	}
	if n := dials.Load(); n != 2 {
		t.Fatalf("%d connections; want a new one after Connection: close", n)
	}
}

func TestClientRefusesChunkedResponses(t *testing.T) {
	addr, _ := testServer(t)
	c := conn{addr: addr}
	defer c.close()
	if _, err := c.get("/chunked", ""); err == nil || !strings.Contains(err.Error(), "chunked") {
		t.Fatalf("GET /chunked: err = %v; want the chunked refusal", err)
	}
	if c.c != nil {
		t.Fatal("the connection stays open after an error; its unread body would corrupt the next response")
	}
}
