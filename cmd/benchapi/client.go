package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// conn is one client's keep-alive HTTP/1.1 connection, speaking just what
// the benchmark needs: GETs answered with a Content-Length. net/http's
// client spent about as much CPU per hub request as PostgreSQL's backend
// (its read and write goroutines and per-request allocations), CPU taken
// from the servers it measures on the same machine.
type conn struct {
	addr string // host:port
	c    net.Conn
	r    *bufio.Reader
	req  []byte
}

// requestTimeout bounds one request, as http.Client.Timeout did.
const requestTimeout = 10 * time.Second

// get sends GET path, with the Authorization header auth when not empty,
// reads the whole response and returns its status. After an error the
// connection is closed; the next get dials again. ctx bounds only the dial: a
// request once sent is let finish (see drive).
func (c *conn) get(ctx context.Context, path, auth string) (int, error) {
	if c.c == nil {
		d := net.Dialer{Timeout: requestTimeout}
		nc, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, err
		}
		c.c = nc
		c.r = bufio.NewReaderSize(nc, 64<<10) // a whole hub response, headers and body, in one read
	}
	status, err := c.roundTrip(path, auth)
	if err != nil {
		c.close()
	}
	return status, err
}

func (c *conn) roundTrip(path, auth string) (int, error) {
	c.req = append(append(append(c.req[:0], "GET "...), path...), " HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, c.addr...)
	if auth != "" {
		c.req = append(append(append(c.req, "\r\nAuthorization: "...), auth...), "\r\n"...)
	} else {
		c.req = append(c.req, "\r\n"...)
	}
	c.req = append(c.req, "\r\n"...)
	if err := c.c.SetDeadline(time.Now().Add(requestTimeout)); err != nil {
		return 0, err
	}
	if _, err := c.c.Write(c.req); err != nil {
		return 0, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, keepAlive := -1, true
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, errors.New("chunked responses are not supported")
		case bytes.EqualFold(name, []byte("Connection")):
			keepAlive = !bytes.EqualFold(value, []byte("close"))
		}
	}
	if length < 0 {
		return 0, errors.New("response without Content-Length")
	}
	if _, err := c.r.Discard(length); err != nil { // reads the body through the buffer
		return 0, err
	}
	if !keepAlive {
		c.close()
	}
	return status, nil
}

func (c *conn) close() {
	if c.c != nil {
		_ = c.c.Close()
		c.c, c.r = nil, nil
	}
}
