package http_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
)

// The tests call the API through the client generated from api/openapi.yaml
// (internal/apiclient), as the frontend and support tooling do: a field the
// document gets wrong breaks this package's build, and every answer is still
// validated against the document. Only inputs a typed client cannot send
// (malformed ids, queries and bodies, unknown methods) go out raw, via do.

// Do implements apiclient.HttpRequestDoer: the request goes through the
// router in process, and the answer is checked against api/openapi.yaml.
func (f *fixture) Do(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	f.router.ServeHTTP(rec, req)
	f.validate(req, response{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()})
	return rec.Result(), nil
}

// quietDoer sends requests through the router without checking the answers,
// so goroutines other than the test's may use it.
type quietDoer struct{ f *fixture }

func (q quietDoer) Do(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	q.f.router.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// caller is the generated client bound to a test: each method makes one call
// and fails the test when the call got no answer it could read.
type caller struct {
	t testing.TB
	c *apiclient.ClientWithResponses
}

// as calls the API as member sub with a fresh token, or without a token when
// sub is empty.
func (f *fixture) as(sub string) caller {
	f.t.Helper()
	return f.caller(f, sub)
}

func (f *fixture) caller(doer apiclient.HttpRequestDoer, sub string) caller {
	f.t.Helper()
	opts := []apiclient.ClientOption{apiclient.WithHTTPClient(doer)}
	if sub != "" {
		opts = append(opts, apiclient.WithRequestEditorFn(withHeader("Authorization", "Bearer "+f.token(sub))))
	}
	c, err := apiclient.NewClientWithResponses("http://runproof.test", opts...)
	require.NoError(f.t, err)
	return caller{t: f.t, c: c}
}

// withHeader sets a request header.
func withHeader(name, value string) apiclient.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set(name, value)
		return nil
	}
}

func (c caller) listRuns(ws int64, params apiclient.ListRunsParams, edit ...apiclient.RequestEditorFn) *apiclient.ListRunsResponse {
	c.t.Helper()
	res, err := c.c.ListRunsWithResponse(c.t.Context(), ws, &params, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) getRun(ws, run int64, params apiclient.GetRunParams, edit ...apiclient.RequestEditorFn) *apiclient.GetRunResponse {
	c.t.Helper()
	res, err := c.c.GetRunWithResponse(c.t.Context(), ws, run, &params, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) reconcile(ws, run int64, body apiclient.ReconcileRequest, edit ...apiclient.RequestEditorFn) *apiclient.ReconcileRunResponse {
	c.t.Helper()
	res, err := c.c.ReconcileRunWithResponse(c.t.Context(), ws, run, body, edit...)
	require.NoError(c.t, err)
	return res
}

// reconcileRaw sends body as it is, with contentType; an empty body goes
// without a Content-Type.
func (c caller) reconcileRaw(ws, run int64, contentType, body string, edit ...apiclient.RequestEditorFn) *apiclient.ReconcileRunResponse {
	c.t.Helper()
	var res *apiclient.ReconcileRunResponse
	var err error
	if body == "" {
		res, err = c.c.ReconcileRunWithBodyWithResponse(c.t.Context(), ws, run, "", http.NoBody, append(edit, dropEmptyContentType)...)
	} else {
		res, err = c.c.ReconcileRunWithBodyWithResponse(c.t.Context(), ws, run, contentType, strings.NewReader(body), edit...)
	}
	require.NoError(c.t, err)
	return res
}

// dropEmptyContentType removes the empty Content-Type the client sets for a
// call without a body.
func dropEmptyContentType(_ context.Context, req *http.Request) error {
	if req.Header.Get("Content-Type") == "" {
		req.Header.Del("Content-Type")
	}
	return nil
}

func (c caller) families(ws int64, edit ...apiclient.RequestEditorFn) *apiclient.ListFamiliesResponse {
	c.t.Helper()
	res, err := c.c.ListFamiliesWithResponse(c.t.Context(), ws, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) healthz(edit ...apiclient.RequestEditorFn) *apiclient.HealthzResponse {
	c.t.Helper()
	res, err := c.c.HealthzWithResponse(c.t.Context(), edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) readyz() *apiclient.ReadyzResponse {
	c.t.Helper()
	res, err := c.c.ReadyzWithResponse(c.t.Context())
	require.NoError(c.t, err)
	return res
}

func (c caller) metrics() string {
	c.t.Helper()
	res, err := c.c.MetricsWithResponse(c.t.Context())
	require.NoError(c.t, err)
	require.Equal(c.t, http.StatusOK, res.StatusCode())
	return string(res.Body)
}

func (c caller) openapi() *apiclient.OpenapiResponse {
	c.t.Helper()
	res, err := c.c.OpenapiWithResponse(c.t.Context())
	require.NoError(c.t, err)
	return res
}

// answer is what every generated response has.
type answer interface {
	StatusCode() int
	GetBody() []byte
}

// status fails the test unless res has status want; it returns res.
func status[R answer](t testing.TB, want int, res R) R {
	t.Helper()
	require.Equal(t, want, res.StatusCode(), "%s", res.GetBody())
	return res
}

// ok fails the test unless res is a 200; it returns res.
func ok[R answer](t testing.TB, res R) R {
	t.Helper()
	return status(t, http.StatusOK, res)
}

// fieldsOf returns the field names a 400 problem lists.
func fieldsOf(t testing.TB, p *apiclient.Problem) []string {
	t.Helper()
	require.NotNil(t, p, "a problem body")
	require.Equal(t, apiclient.ProblemCodeInvalid, p.Code)
	require.NotNil(t, p.Errors)
	fields := make([]string, 0, len(*p.Errors))
	for _, e := range *p.Errors {
		fields = append(fields, e.Field)
	}
	return fields
}

// pageIDs returns the run ids of a hub page, in order.
func pageIDs(page *apiclient.HubPage) []int64 {
	out := make([]int64, 0, len(page.Items))
	for _, it := range page.Items {
		out = append(out, it.Id)
	}
	return out
}
