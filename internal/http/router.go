package http

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Deps is everything the handlers need; main builds it once.
type Deps struct {
	Log *slog.Logger
	// Ready reports whether the service can serve: database reachable and
	// migrations applied.
	Ready func(ctx context.Context) error
}

// NewRouter returns the service's routes.
func NewRouter(d Deps) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Get("/healthz", handleHealthz)
	r.Get("/readyz", handleReadyz(d))
	return r
}

// handleHealthz godoc
//
//	@Summary	Liveness: the process is up
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	statusBody
//	@Router		/healthz [get]
func handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// handleReadyz godoc
//
//	@Summary	Readiness: database reachable and migrations applied
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	statusBody
//	@Failure	503	{object}	statusBody
//	@Router		/readyz [get]
func handleReadyz(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := d.Ready(r.Context()); err != nil {
			d.Log.Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, statusBody{Status: "unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
	}
}

type statusBody struct {
	Status string `json:"status" example:"ok"`
}
