package http

import (
	"net/http"

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

// readyz godoc
//
//	@ID				readyz
//	@Summary		Readiness: database reachable and migrations applied
//	@Description	Answers 503 while the database cannot be reached or migrations are missing, so a load balancer sends no traffic; the reason is logged, never sent.
//	@Tags			health
//	@Produce		json
//	@Success		200	{object}	statusBody
//	@Router			/readyz [get]
func (a *api) readyz(w http.ResponseWriter, r *http.Request) error {
	if err := a.ready(r.Context()); err != nil {
		a.log.WarnContext(r.Context(), "not ready", "err", err)
		return &apiError{Code: codeUnavailable, Detail: "Not ready."}
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
