package http

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	openapi "github.com/runproof/runproof/api"
)

// statusBody is the body of a healthy probe.
type statusBody struct {
	Status string `json:"status" enums:"ok" example:"ok"`
} //@name Status

// handleHealthz godoc
//
//	@ID				healthz
//	@Summary		Liveness: the process is up
//	@Description	Answers 200 while the process serves HTTP; it does not look at the database.
//	@Tags			health
//	@Produce		json
//	@Success		200	{object}	statusBody
//	@Router			/healthz [get]
func handleHealthz(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// readyTimeout bounds the readiness check: a probe must hear back in time.
const readyTimeout = time.Second

// readiness is what /readyz remembers between probes.
type readiness struct {
	stopping <-chan struct{}
	// failing is set while the checks fail, so that an outage is logged
	// when it starts and ends rather than on every probe.
	failing atomic.Bool
}

// NotReadyError is a readiness failure whose Reason an operator may read in the
// /readyz answer (say, "database migrations are pending"); Err, the detail,
// is only logged. Any other error the Ready check returns is answered
// without a reason.
type NotReadyError struct {
	Reason string
	Err    error
}

func (e *NotReadyError) Error() string { return e.Reason + ": " + e.Err.Error() }

func (e *NotReadyError) Unwrap() error { return e.Err }

// readyz godoc
//
//	@ID				readyz
//	@Summary		Readiness: database reachable and migrations applied
//	@Description	503 while the database is unreachable or slower than a second, migrations are pending, a token key set could not be fetched yet, or the service is shutting down (it keeps serving for a drain window meanwhile); the reason is logged, never sent.
//	@Tags			health
//	@Produce		json
//	@Success		200	{object}	statusBody
//	@Router			/readyz [get]
func (a *api) readyz(w http.ResponseWriter, r *http.Request) error {
	select {
	case <-a.readiness.stopping:
		return &apiError{Code: codeUnavailable, Detail: "Shutting down."}
	default:
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := a.ready(ctx); err != nil {
		if !a.readiness.failing.Swap(true) {
			a.log.WarnContext(ctx, "not ready", "err", err)
		}
		detail := "Not ready."
		if nr := (*NotReadyError)(nil); errors.As(err, &nr) {
			detail = "Not ready: " + nr.Reason + "."
		}
		return &apiError{Code: codeUnavailable, Detail: detail}
	}
	if a.readiness.failing.Swap(false) {
		a.log.InfoContext(ctx, "ready again")
	}
	return writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// handleOpenAPI godoc
//
//	@ID				openapi
//	@Summary		This API's OpenAPI 3 document
//	@Description	The document this server was built with (api/openapi.yaml), as YAML.
//	@Tags			meta
//	@Produce		application/yaml
//	@Success		200	{file}	file	"OpenAPI 3.0 document"
//	@Router			/openapi.yaml [get]
func handleOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(openapi.OpenAPI) // the client has gone if this fails
}

// handleMetrics godoc
//
//	@ID				metrics
//	@Summary		Prometheus metrics
//	@Description	Request latency by route, reconcile decisions and the sweeper's counters, with the Go runtime's, in the Prometheus text format.
//	@Tags			meta
//	@Produce		plain
//	@Success		200	{string}	string	"Prometheus text exposition format"
//	@Router			/metrics [get]
func (a *api) handleMetrics(w http.ResponseWriter, r *http.Request) {
	a.metricsHandler.ServeHTTP(w, r)
}
