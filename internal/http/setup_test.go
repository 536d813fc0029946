package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/api"
	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/authz"
	"github.com/runproof/runproof/internal/dbtest"
	rphttp "github.com/runproof/runproof/internal/http"
	"github.com/runproof/runproof/internal/metrics"
)

var secret = []byte("test-secret-test-secret-test-secret!")

// fixture is a router on its own fresh database, with a fixed clock.
type fixture struct {
	t      testing.TB
	pool   *pgxpool.Pool
	url    string // the database's, for pools of the test's own
	deps   rphttp.Deps
	router *chi.Mux
	now    time.Time
	ready  error      // what the readiness probe answers
	logs   syncBuffer // what the server logged
}

// syncBuffer is a bytes.Buffer safe for the concurrent requests of a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t *testing.T) *fixture {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with deps changed by change before the router is built.
func setupWith(t *testing.T, change func(*fixture, *rphttp.Deps)) *fixture {
	t.Helper()
	t.Parallel()
	return newFixture(t, change)
}

// newFixture builds a fixture for a test or a fuzz target.
func newFixture(t testing.TB, change func(*fixture, *rphttp.Deps)) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Now().UTC().Truncate(time.Microsecond)}
	f.pool, f.url = dbtest.NewWithURL(t)
	verifier, err := authz.NewVerifier(authz.VerifierConfig{HS256Secret: secret, Now: f.clock})
	require.NoError(t, err)
	meters := metrics.New()
	deps := rphttp.Deps{
		Log:          slog.New(slog.NewJSONHandler(&f.logs, nil)),
		App:          f.app(app.Config{Metrics: meters}),
		Verifier:     verifier,
		Metrics:      meters,
		CursorSecret: secret,
		Ready:        func(context.Context) error { return f.ready },
	}
	f.deps = deps
	f.rebuild(change)
	return f
}

// rebuild makes the fixture's router again, with its deps changed by change.
func (f *fixture) rebuild(change func(*fixture, *rphttp.Deps)) {
	if change != nil {
		change(f, &f.deps)
	}
	f.router = rphttp.NewRouter(f.deps).(*chi.Mux)
}

func (f *fixture) clock() time.Time { return f.now }

// app is an App on the fixture's database and clock, configured by cfg.
func (f *fixture) app(cfg app.Config) *app.App {
	f.t.Helper()
	cfg.Now = f.clock
	a, err := app.New(f.pool, cfg)
	require.NoError(f.t, err)
	return a
}

// token is a valid bearer token for sub.
func (f *fixture) token(sub string) string {
	tok, err := authz.IssueHS256(authz.IssueParams{Secret: secret, Subject: sub, TTL: time.Hour, Now: f.now})
	require.NoError(f.t, err)
	return tok
}

// request describes one call; Token is sent as a bearer token when set.
type request struct {
	Method, Path, Token, Body string
	Header                    map[string]string
}

// response is a recorded answer.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), string(r.Body))
	return m
}

// do runs req through the router and checks the response against
// api/openapi.yaml whenever the route and method are documented.
func (f *fixture) do(req request) response {
	f.t.Helper()
	hr := f.newRequest(req)
	rec := httptest.NewRecorder()
	f.router.ServeHTTP(rec, hr)
	res := response{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
	f.validate(hr, res)
	return res
}

// newRequest is the HTTP request req describes.
func (f *fixture) newRequest(req request) *http.Request {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hr := httptest.NewRequestWithContext(f.t.Context(), req.Method, req.Path, body)
	if req.Body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	return hr
}

func (f *fixture) get(path, token string) response {
	f.t.Helper()
	return f.do(request{Path: path, Token: token})
}

func (f *fixture) post(path, token, body string) response {
	f.t.Helper()
	return f.do(request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

var (
	docOnce sync.Once
	doc     *openapi3.T
	errDoc  error
)

// openAPI loads api/openapi.yaml once per test binary.
func openAPI(t testing.TB) *openapi3.T {
	t.Helper()
	docOnce.Do(func() {
		doc, errDoc = openapi3.NewLoader().LoadFromData(api.OpenAPI)
		if errDoc == nil {
			errDoc = doc.Validate(context.Background())
		}
	})
	require.NoError(t, errDoc)
	return doc
}

// validate checks a response of a documented operation against the document:
// status documented, headers, content type and body matching its schema. A
// 405 for a method a documented path does not serve is checked against the
// 405 every operation of the path documents.
func (f *fixture) validate(req *http.Request, res response) {
	f.t.Helper()
	method := req.Method
	pattern := f.router.Find(chi.NewRouteContext(), method, req.URL.Path)
	if pattern == "" && res.Code == http.StatusMethodNotAllowed {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			if pattern = f.router.Find(chi.NewRouteContext(), m, req.URL.Path); pattern != "" {
				method = m
				break
			}
		}
	}
	if pattern == "" {
		return
	}
	d := openAPI(f.t)
	item := d.Paths.Find(pattern)
	require.NotNil(f.t, item, "route %s is not in api/openapi.yaml", pattern)
	op := item.GetOperation(method)
	require.NotNil(f.t, op, "%s %s is not in api/openapi.yaml", method, pattern)
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: d, Path: pattern, PathItem: item, Method: method, Operation: op},
		},
		Status:  res.Code,
		Header:  res.Header,
		Body:    io.NopCloser(bytes.NewReader(res.Body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	require.NoError(f.t, openapi3filter.ValidateResponse(context.Background(), input),
		"%s %s → %d does not match api/openapi.yaml: %s", req.Method, req.URL, res.Code, res.Body)
}
