package http

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServeConfig is what Serve listens with and how it shuts down.
type ServeConfig struct {
	// Addr is where the API listens.
	Addr    string
	Handler http.Handler
	// MetricsAddr, when set, is where Metrics is served as /metrics, on a
	// listener of its own.
	MetricsAddr string
	Metrics     http.Handler
	Log         *slog.Logger
	// RequestTimeout is the handler's own limit per request; the server's
	// write timeout leaves room beyond it for the answer.
	RequestTimeout time.Duration
	// Drain is how long the listener keeps serving once shutdown begins, so
	// that load balancers see readiness fail before connections are refused.
	Drain time.Duration
	// Grace then bounds the wait for requests in flight; those still running
	// are cancelled, and with them their database work.
	Grace time.Duration
}

// cancelWait is how long requests cancelled after the grace get to answer
// before their connections are closed.
const cancelWait = time.Second

// Serve runs the API (and the metrics listener) until ctx ends, then shuts
// down within Drain + Grace + cancelWait: it keeps serving for Drain (the
// router's readiness already fails), stops accepting, waits up to Grace for
// requests in flight, cancels those still running and waits up to
// cancelWait for their answers. It returns nil after a shutdown, and an
// error when a listener fails.
func Serve(ctx context.Context, c ServeConfig) error {
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", c.Addr)
	if err != nil {
		return err
	}
	var metricsLn net.Listener
	if c.MetricsAddr != "" {
		if metricsLn, err = new(net.ListenConfig).Listen(ctx, "tcp", c.MetricsAddr); err != nil {
			_ = ln.Close() // never served; the metrics listener's error is the one to report
			return err
		}
	}
	// Requests do not end with ctx: they end by themselves, or when the
	// grace is over.
	requests, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	srv := &http.Server{
		Handler:           c.Handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      max(30*time.Second, c.RequestTimeout+5*time.Second),
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(c.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return requests },
	}
	c.Log.Info("listening", "addr", ln.Addr().String())
	apiDone := make(chan error, 1)
	go func() { apiDone <- srv.Serve(ln) }()
	metricsSrv := &http.Server{
		Handler:           metricsMux(c.Metrics),
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          srv.ErrorLog,
	}
	// Scrapes go on until the API is done; by then a close error has no one to go to.
	defer func() { _ = metricsSrv.Close() }()
	var metricsDone chan error // nil, never ready, without a metrics listener
	if metricsLn != nil {
		c.Log.Info("metrics listening", "addr", metricsLn.Addr().String())
		metricsDone = make(chan error, 1)
		go func() { metricsDone <- metricsSrv.Serve(metricsLn) }()
	}
	// Until shutdown, Serve only returns when a listener fails.
	failed := func(err error) error {
		_ = srv.Close() // err, the listener's failure, is the one to report
		return err
	}
	select {
	case err := <-apiDone:
		return failed(err)
	case err := <-metricsDone:
		return failed(err)
	case <-ctx.Done():
	}
	c.Log.Info("shutting down: draining", "drain", c.Drain.String())
	srv.SetKeepAlivesEnabled(false) // clients reconnect, to another replica
	drain := time.NewTimer(c.Drain)
	defer drain.Stop()
	select {
	case <-drain.C:
	case err := <-apiDone:
		return failed(err)
	case err := <-metricsDone:
		return failed(err)
	}
	c.Log.Info("shutting down: listener closed, waiting for requests in flight", "grace", c.Grace.String())
	grace, cancel := context.WithTimeout(context.Background(), c.Grace)
	defer cancel()
	if srv.Shutdown(grace) == nil {
		return nil
	}
	c.Log.Warn("shutting down: cancelling the requests still running after the grace")
	cancelRequests()
	answered, cancel := context.WithTimeout(context.Background(), cancelWait)
	defer cancel()
	if srv.Shutdown(answered) != nil { // waits again, for the cancelled requests to answer
		_ = srv.Close() // drops the connections left; the shutdown is complete either way
	}
	return nil
}

// metricsMux serves metrics as GET /metrics, for the metrics listener.
func metricsMux(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	return mux
}
