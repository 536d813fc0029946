package http

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/runproof/runproof/internal/app"
	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/metrics"
)

// UseCases are the operations the handlers call, one per route; *app.App
// is them.
type UseCases interface {
	ListRuns(ctx context.Context, req app.ListRunsRequest) (app.RunList, error)
	GetRun(ctx context.Context, req app.GetRunRequest) (app.RunDetail, error)
	Reconcile(ctx context.Context, req app.ReconcileRequest) (app.ReconcileResult, error)
	Families(ctx context.Context, workspaceID int64, subject string) ([]app.Family, error)
	Preview(ctx context.Context, req app.PreviewRequest) (app.Preview, error)
	GetBaselineSnapshot(ctx context.Context, workspaceID int64, subject string, id int64) (domain.BaselineSnapshot, error)
	GetBackupSet(ctx context.Context, workspaceID int64, subject string, id int64) (domain.BackupSet, error)
	ListBackupItems(ctx context.Context, req app.ListBackupItemsRequest) (app.BackupItemPage, error)
	ListInventoryItems(ctx context.Context, req app.ListInventoryItemsRequest) (app.InventoryItemPage, error)
	// Staleness is the rule runs are judged by; stale explanations quote it.
	Staleness() domain.Staleness
}

// Deps is everything the handlers need; main builds it once.
type Deps struct {
	Log *slog.Logger
	// App runs the use cases.
	App UseCases
	// Verifier checks bearer tokens.
	Verifier TokenVerifier
	// Metrics records request latency; a fresh registry when nil.
	Metrics *metrics.Metrics
	// CursorSecret is the key material hub cursors are sealed with (derived
	// from CURSOR_SECRET or the HS256 secret, see serve); random when empty, so
	// cursors then die with the process.
	CursorSecret []byte
	// Ready reports whether the service can serve: database reachable and
	// migrations applied. It is given at most a second.
	Ready func(ctx context.Context) error
	// CORSAllowedOrigins are the browser origins that may call the API
	// (CORS_ALLOWED_ORIGINS); none turns CORS off.
	CORSAllowedOrigins []string
	// RequestTimeout bounds each request: when it runs out the request's
	// database work is cancelled and the client gets a 503 (10s when zero).
	RequestTimeout time.Duration
	// Stopping is closed when the service begins to shut down: readiness
	// answers 503 from then on, while requests are still served. Nil never
	// closes.
	Stopping <-chan struct{}
	// MetricsElsewhere leaves /metrics out of the routes, for a service that
	// serves it on a listener of its own.
	MetricsElsewhere bool
}

// api is the handlers' shared state, built once from Deps.
type api struct {
	log            *slog.Logger
	app            UseCases
	verifier       TokenVerifier
	staleness      domain.Staleness
	metrics        *metrics.Metrics
	metricsHandler http.Handler
	cursors        cursorCodec
	ready          func(ctx context.Context) error
	readiness      readiness
}

// NewRouter returns the service's routes (api/openapi.yaml describes them).
func NewRouter(d Deps) http.Handler {
	a := &api{
		log:       d.Log,
		app:       d.App,
		verifier:  d.Verifier,
		staleness: d.App.Staleness(),
		metrics:   d.Metrics,
		cursors:   newCursorCodec(d.CursorSecret),
		ready:     d.Ready,
		readiness: readiness{stopping: d.Stopping},
	}
	if a.metrics == nil {
		a.metrics = metrics.New()
	}
	a.metricsHandler = a.metrics.Handler()

	r := chi.NewRouter()
	if len(d.CORSAllowedOrigins) > 0 {
		r.Use(corsFor(d.CORSAllowedOrigins))
	}
	r.Use(newRequestIDs().middleware, a.observe, a.recoverer, secureHeaders,
		deadline(cmp.Or(d.RequestTimeout, defaultRequestTimeout)), middleware.GetHead)
	r.NotFound(a.handle(func(http.ResponseWriter, *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(a.methodNotAllowed(r))

	r.Get("/healthz", a.handle(handleHealthz))
	r.Get("/readyz", a.handle(a.readyz))
	if !d.MetricsElsewhere {
		r.Get("/metrics", a.handleMetrics)
	}
	r.Get("/openapi.yaml", handleOpenAPI)
	r.Group(func(r chi.Router) {
		r.Use(a.authenticate)
		r.Get("/workspaces/{ws}/operations", a.handle(a.listRuns))
		r.Get("/workspaces/{ws}/operations/{run}", a.handle(a.getRun))
		r.Post("/workspaces/{ws}/operations/{run}/reconcile", a.handle(a.reconcileRun))
		r.Get("/workspaces/{ws}/reconciliation/families", a.handle(a.listFamilies))
		r.Get("/workspaces/{ws}/reconciliation/preview", a.handle(a.previewSweep))
		r.Get("/workspaces/{ws}/baseline-snapshots/{id}", a.handle(a.getBaselineSnapshot))
		r.Get("/workspaces/{ws}/backup-sets/{id}", a.handle(a.getBackupSet))
		r.Get("/workspaces/{ws}/backup-sets/{id}/items", a.handle(a.listBackupItems))
		r.Get("/workspaces/{ws}/inventory-items", a.handle(a.listInventoryItems))
	})
	return r
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts h: a returned error is answered by the one error writer.
func (a *api) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.fail(w, r, err)
		}
	}
}

func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, a.log, err)
}

// methodNotAllowed answers 405 as a problem, with the Allow header listing
// the methods the path does support (HEAD wherever GET is); a path that
// supports none, asked with a method the router does not know, is a 404.
func (a *api) methodNotAllowed(routes chi.Routes) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if routes.Match(chi.NewRouteContext(), m, r.URL.Path) {
				allow = append(allow, m)
				if m == http.MethodGet {
					allow = append(allow, http.MethodHead)
				}
			}
		}
		if len(allow) == 0 {
			a.fail(w, r, errNotFound)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		a.fail(w, r, &apiError{Code: codeMethodNotAllowed, Detail: "This path does not support this method."})
	}
}
