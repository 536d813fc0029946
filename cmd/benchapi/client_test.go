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

// testClient starts a server for the benchmark client's cases and returns a
// client of it, and the count of connections the server accepted, to show
// when the client reuses one.
func testClient(t *testing.T) (c *conn, dials *atomic.Int64) {
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
	c = &conn{addr: strings.TrimPrefix(srv.URL, "http://")}
	t.Cleanup(c.close)
	return c, dials
}

func expectStatus(t *testing.T, c *conn, path string, want int) {
	t.Helper()
	if status, err := c.get(t.Context(), path, ""); err != nil || status != want {
		t.Fatalf("GET %s = %d, %v; want %d", path, status, err, want)
	}
}

func TestClientReadsWholeResponsesOnOneConnection(t *testing.T) {
	c, dials := testClient(t)
	for range 3 {
		expectStatus(t, c, "/big", http.StatusOK)
	}
	expectStatus(t, c, "/missing", http.StatusNotFound)
	if n := dials.Load(); n != 1 {
		t.Fatalf("%d connections for four requests; the client must keep its connection alive", n)
	}
}

func TestClientSendsTheAuthorizationHeader(t *testing.T) {
	c, _ := testClient(t)
	for _, auth := range []string{"Bearer t0ken", ""} {
		if _, err := c.get(t.Context(), "/auth", auth); err != nil {
			t.Fatal(err)
		}
		if got := gotAuth.Load(); got != auth {
			t.Fatalf("the server got Authorization %q, want %q", got, auth)
		}
	}
}

func TestClientRedialsAfterTheServerCloses(t *testing.T) {
	c, dials := testClient(t)
	expectStatus(t, c, "/close", http.StatusOK)
	expectStatus(t, c, "/close", http.StatusOK)
	if n := dials.Load(); n != 2 {
		t.Fatalf("%d connections; want a new one after Connection: close", n)
	}
}

func TestClientRefusesChunkedResponses(t *testing.T) {
	c, _ := testClient(t)
	if _, err := c.get(t.Context(), "/chunked", ""); err == nil || !strings.Contains(err.Error(), "chunked") {
		t.Fatalf("GET /chunked: err = %v; want the chunked refusal", err)
	}
	if c.c != nil {
		t.Fatal("the connection stays open after an error; its unread body would corrupt the next response")
	}
}
