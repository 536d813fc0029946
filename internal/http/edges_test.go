package http_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	rphttp "github.com/runproof/runproof/internal/http"
)

// HEAD answers every GET route with the GET's status and headers and no
// body, over a real connection.
func TestHeadAnswersEveryGetRoute(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{})
	srv := httptest.NewServer(f.router)
	defer srv.Close()
	tok := f.token("alice")
	paths := []string{"/healthz", "/readyz", "/openapi.yaml", "/metrics", hubPath(ws, ""), runPath(ws, run),
		"/workspaces/" + itoa(ws) + "/reconciliation/families", runPath(ws, run+1), "/nope"}
	for _, path := range paths {
		get, getBody := call(t, http.MethodGet, srv.URL+path, tok)    //nolint:bodyclose // call closes it
		head, headBody := call(t, http.MethodHead, srv.URL+path, tok) //nolint:bodyclose // call closes it
		require.Equal(t, get.StatusCode, head.StatusCode, path)
		require.NotEmpty(t, getBody, path)
		require.Empty(t, headBody, path)
		for _, h := range []http.Header{get.Header, head.Header} {
			h.Del("Date")
			h.Del("X-Request-Id")
			h.Del("Content-Length") // sent for GET, whose body is in hand; HEAD may leave it out
		}
		require.Equal(t, get.Header, head.Header, path)
	}
}

func call(t *testing.T, method, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = res.Body.Close() }() // read in full below, which reports any failure
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}

// A second Authorization header is refused, whatever it holds: a proxy that
// reads the other one would see another caller.
func TestTwoAuthorizationHeadersAre401(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	good := "Bearer " + f.token("alice")
	for name, second := range map[string]string{"garbage": "Bearer garbage", "the same": good, "empty": ""} {
		hr := f.newRequest(request{Path: hubPath(ws, "")})
		hr.Header.Add("Authorization", good)
		hr.Header.Add("Authorization", second)
		rec := httptest.NewRecorder()
		f.router.ServeHTTP(rec, hr)
		require.Equal(t, http.StatusUnauthorized, rec.Code, name)
		require.Equal(t, `Bearer realm="runproof"`, rec.Header().Get("WWW-Authenticate"), name)
		require.Contains(t, rec.Body.String(), `"code":"unauthenticated"`, name)
	}
	require.Equal(t, http.StatusOK, f.do(request{Path: hubPath(ws, ""), Header: map[string]string{"Authorization": good}}).Code)
}

// A body announced larger than the limit is refused at once, unread: the
// server does not wait for bytes the client may never send.
func TestLargeContentLengthIs413BeforeReading(t *testing.T) {
	f := setup(t)
	srv := httptest.NewServer(f.router)
	defer srv.Close()
	conn, err := new(net.Dialer).DialContext(t.Context(), "tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	// By the end the answer is in hand, or the test has failed already.
	defer func() { _ = conn.Close() }()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second))) // fails the test rather than hang it
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: runproof\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", reconcilePath(1, 1), f.token("alice"), int64(10)<<30)
	require.NoError(t, err)
	status, err := textproto.NewReader(bufio.NewReader(conn)).ReadLine()
	require.NoError(t, err, "an answer before any body byte was sent")
	require.Equal(t, "HTTP/1.1 413 Request Entity Too Large", status)
}

// A sealed cursor (made with the server's key) whose position no run can
// have is a 400 naming cursor, not a database error.
func TestCursorOutOfRangeIs400(t *testing.T) {
	f := setup(t)
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	f.run(ws, runSpec{})
	tok := f.token("alice")
	now := time.Now()
	valid := rphttp.SealHubCursor(secret, ws, now, 1<<40)
	require.Equal(t, http.StatusOK, f.get(hubPath(ws, "cursor="+valid), tok).Code)
	bad := map[string]string{
		"before 4713 BC": rphttp.SealHubCursor(secret, ws, time.Date(-100000, 1, 1, 0, 0, 0, 0, time.UTC), 5),
		"year 0":         rphttp.SealHubCursor(secret, ws, time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), 5),
		"year 10000":     rphttp.SealHubCursor(secret, ws, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 5),
		"id 0":           rphttp.SealHubCursor(secret, ws, now, 0),
		"id negative":    rphttp.SealHubCursor(secret, ws, now, -7),
	}
	for name, cursor := range bad {
		res := f.get(hubPath(ws, "cursor="+cursor), tok)
		require.Equal(t, http.StatusBadRequest, res.Code, "%s: %s", name, res.Body)
		require.Equal(t, []string{"cursor"}, problemFields(t, res), name)
	}
}

// 1,000 requests with made-up methods and paths cannot grow the metrics:
// every label comes from a closed set, so the series stop growing once each
// is seen.
func TestMetricsCardinalityIsBounded(t *testing.T) {
	f := setup(t)
	routes := map[string]bool{"unmatched": true}
	require.NoError(t, chi.Walk(f.router, func(_, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes[route] = true
		return nil
	}))
	methods := map[string]bool{"other": true}
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"} {
		methods[m] = true
	}
	rng := rand.New(rand.NewPCG(11, 11))
	word := func() string {
		b := make([]byte, 1+rng.IntN(8))
		for i := range b {
			b[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rng.IntN(64)]
		}
		return string(b)
	}
	request := func() {
		method := word()
		if rng.IntN(3) == 0 {
			method = []string{"GET", "POST", "DELETE", "OPTIONS"}[rng.IntN(4)]
		}
		path := "/" + word()
		switch rng.IntN(3) {
		case 0:
			path = "/workspaces/" + word() + "/operations"
		case 1:
			path = "/workspaces/" + word() + "/" + word() + "/" + word()
		}
		f.router.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), method, path, nil))
	}
	series := func() []string {
		res := f.get("/metrics", "")
		require.Equal(t, http.StatusOK, res.Code)
		var out []string
		for line := range strings.SplitSeq(string(res.Body), "\n") {
			if strings.HasPrefix(line, "runproof_http_request_duration_seconds_count{") {
				out = append(out, line)
			}
		}
		return out
	}

	series() // the scrape is a series of its own
	for range 500 {
		request()
	}
	first := series()
	for range 500 {
		request()
	}
	all := series()
	label := regexp.MustCompile(`method="([^"]*)",route="([^"]*)",status="(\d{3})"`)
	for _, line := range all {
		m := label.FindStringSubmatch(line)
		require.NotNil(t, m, line)
		require.True(t, methods[m[1]], "method label %q is not a standard method or other", m[1])
		require.True(t, routes[m[2]], "route label %q is not a route pattern or unmatched", m[2])
	}
	require.Len(t, all, len(first), "no new series in the second 500 made-up requests")
	require.Less(t, len(all), 20)
}
