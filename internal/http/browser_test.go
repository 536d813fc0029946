package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	rphttp "github.com/runproof/runproof/internal/http"
)

// chromium is Debian's chromium package, which `make browser` installs.
const chromium = "/usr/bin/chromium"

// page is a frontend: its script calls the hub at hub with token, as an admin
// frontend on its own origin does after the user signed in.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<title>frontend</title>
<script>
window.callHub = async (method, path, body) => {
	try {
		const init = {method, headers: {Authorization: "Bearer {{.Token}}"}};
		if (body !== undefined) {
			init.headers["Content-Type"] = "application/json";
			init.body = JSON.stringify(body);
		}
		const res = await fetch({{.Hub}} + path, init);
		return {status: res.status, requestId: res.headers.get("X-Request-Id"), body: await res.text()};
	} catch (e) {
		return {error: e.name};
	}
};
</script>`))

// fetched is what callHub saw: a response, or the error fetch threw.
type fetched struct {
	Status    int
	RequestID string
	Body      string
	Error     string
}

// A real browser on a page of an allowed origin reads the hub's answers,
// GET and POST (a preflighted request) alike; on a page of any other origin
// its fetch fails with a TypeError and the page sees nothing.
func TestBrowserFrontendOnAnotherOrigin(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing and CI=true: run `make browser` (Debian's chromium package) before the tests", chromium)
		}
		t.Skipf("browser test skipped: %s is missing (Debian's chromium package; `make browser` installs it as root)", chromium)
	}
	// Two frontends on loopback, each its own origin (scheme, host and port).
	var hub string
	var token string
	frontend := func() *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = page.Execute(w, map[string]string{"Hub": hub, "Token": token})
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	allowed, refused := frontend(), frontend()
	f := setupWith(t, func(_ *fixture, d *rphttp.Deps) { d.CORSAllowedOrigins = []string{allowed.URL} })
	ws := f.workspace("w")
	f.member(ws, "alice", "owner")
	run := f.run(ws, runSpec{age: 3 * time.Hour})
	before := f.rowState(run)
	api := httptest.NewServer(f.router)
	t.Cleanup(api.Close)
	hub, token = api.URL, f.token("alice")

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a failure bound for the whole browser
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // as root, where CI runs it
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()

	call := func(origin *httptest.Server, js string) fetched {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(origin.URL)))
		res, err := chromedp.Run(ctx, chromedp.Evaluate[fetched](js, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		return res
	}

	got := call(allowed, fmt.Sprintf(`callHub("GET", "/workspaces/%d/operations")`, ws))
	require.Empty(t, got.Error)
	require.Equal(t, http.StatusOK, got.Status, got.Body)
	require.NotEmpty(t, got.RequestID, "an exposed header the page may read")
	var hubPage struct {
		Items []json.RawMessage `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.Body), &hubPage))
	require.Len(t, hubPage.Items, 1)

	got = call(allowed, fmt.Sprintf(`callHub("POST", "/workspaces/%d/operations/%d/reconcile", {dry_run: true})`, ws, run))
	require.Empty(t, got.Error)
	require.Equal(t, http.StatusOK, got.Status, got.Body)

	got = call(refused, fmt.Sprintf(`callHub("GET", "/workspaces/%d/operations")`, ws))
	require.Equal(t, fetched{Error: "TypeError"}, got, "blocked by the browser: the page sees no status, no body")
	got = call(refused, fmt.Sprintf(`callHub("POST", "/workspaces/%d/operations/%d/reconcile", {dry_run: false})`, ws, run))
	require.Equal(t, fetched{Error: "TypeError"}, got)
	require.Equal(t, before, f.rowState(run), "a refused preflight stops the POST before it is sent (and the allowed one was a dry run)")
}
