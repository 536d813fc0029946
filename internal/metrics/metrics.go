// Package metrics defines runproof's Prometheus metrics, shared by the HTTP API
// and the stale sweeper so that both count into one registry.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry with runproof's collectors. Build it once per
// process with New and hand it to every component that records.
type Metrics struct {
	registry        *prometheus.Registry
	requestDuration *prometheus.HistogramVec
	decisions       *prometheus.CounterVec
	staleWaiting    prometheus.Gauge
	runFailures     prometheus.Counter
}

// New returns a fresh registry holding the Go runtime and process collectors
// and runproof's own metrics. A fresh registry (not the global default) lets
// tests build as many routers as they like.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "runproof",
			Subsystem: "http",
			Name:      "request_duration_seconds",
			Help:      "HTTP request latency by route pattern, method and status code.",
			Buckets:   []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method", "status"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "runproof",
			Subsystem: "reconcile",
			Name:      "decisions_total",
			Help:      "Reconcile decisions taken (dry runs excluded) by canonical family, decision and outcome.",
		}, []string{"family", "decision", "outcome"}),
		staleWaiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "runproof",
			Subsystem: "sweep",
			Name:      "stale_runs_waiting",
			Help:      "Stale runs not yet finalized, as counted after the last sweep pass.",
		}),
		runFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "runproof",
			Subsystem: "sweep",
			Name:      "run_failures_total",
			Help:      "Stale runs a sweep pass could not finalize on their own (each named in a log line); the next pass tries them again.",
		}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requestDuration,
		m.decisions,
		m.staleWaiting,
		m.runFailures,
	)
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// ObserveRequest records one HTTP request. Every label comes from a closed
// set, so that no client can grow the series: route is the router's pattern
// or "unmatched" (never the raw path), a method outside RFC 9110's list is
// counted as "other", and status is the code answered.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	m.requestDuration.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Observe(d.Seconds())
}

// methodLabel is method when it is a standard one, else "other".
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "other"
}

// CountDecision records one reconcile decision; outcome is "none" when the
// decision finalized nothing.
func (m *Metrics) CountDecision(family, decision, outcome string) {
	if outcome == "" {
		outcome = "none"
	}
	m.decisions.WithLabelValues(family, decision, outcome).Inc()
}

// SetStaleWaiting records how many stale runs still wait for a sweep.
func (m *Metrics) SetStaleWaiting(n int64) {
	m.staleWaiting.Set(float64(n))
}

// CountSweepRunFailure records one stale run a sweep pass could not finalize.
func (m *Metrics) CountSweepRunFailure() {
	m.runFailures.Inc()
}
