package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// floorRun is the row the floor server selects and encodes.
type floorRun struct {
	ID              int64           `json:"id"`
	WorkspaceID     int64           `json:"workspace_id"`
	EnvironmentID   *int64          `json:"environment_id"`
	Type            string          `json:"type"`
	Status          string          `json:"status"`
	Outcome         string          `json:"outcome"`
	Context         json.RawMessage `json:"context"`
	CreatedAt       time.Time       `json:"created_at"`
	StartedAt       *time.Time      `json:"started_at"`
	LastHeartbeatAt *time.Time      `json:"last_heartbeat_at"`
	CompletedAt     *time.Time      `json:"completed_at"`
}

// serveFloor is the floor: a bare chi router and pgx pool answering
// GET /runs/{id} with one primary-key select, no auth, no membership, no
// rendering. It listens on LISTEN_ADDR until killed.
func serveFloor() error {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer pool.Close()
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	r.Get("/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
		if err != nil {
			http.Error(w, "bad id", http.StatusBadRequest)
			return
		}
		var run floorRun
		err = pool.QueryRow(r.Context(), `SELECT id, workspace_id, managed_environment_id, type, status, outcome,
			context, created_at, started_at, last_heartbeat_at, completed_at FROM operation_runs WHERE id = $1`, id).
			Scan(&run.ID, &run.WorkspaceID, &run.EnvironmentID, &run.Type, &run.Status, &run.Outcome,
				&run.Context, &run.CreatedAt, &run.StartedAt, &run.LastHeartbeatAt, &run.CompletedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(run)
	})
	return http.ListenAndServe(os.Getenv("LISTEN_ADDR"), r)
}
