package repo

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/runproof/runproof/internal/domain"
)

// RunView is a run as the API renders it: the row with context.reconciliation
// extracted by SQL, and the raw context and failures only when diagnostics
// were asked for, so that pages of runs never ship whole contexts.
type RunView struct {
	// Run has Context and Failures nil unless selected with diagnostics;
	// Initiator and UpdatedAt, which no response shows, stay unset.
	domain.Run
	// Reconciliation is context.reconciliation, nil when the run has none.
	Reconciliation json.RawMessage
}

// runViewColumns selects a RunView from operation_runs r left-joined to
// managed_environments e, all but the workspace, which every query that
// selects them filters on (r.workspace_id = the caller's). The summary counts and the reconciliation come from
// their stored text copies (migration 00003), which cost PostgreSQL no jsonb
// serialization per read.
func runViewColumns(diagnostics bool) string {
	cols := runViewRunColumns + `, e.name`
	if diagnostics {
		cols += `, r.context, r.failures`
	}
	return cols
}

// runViewRunColumns are the columns of runViewColumns read from operation_runs
// r, without diagnostics.
const runViewRunColumns = `r.id, r.managed_environment_id, r.type, r.status, r.outcome,
		r.summary_counts_text, r.created_at, r.started_at, r.last_heartbeat_at, r.completed_at,
		r.reconciliation_text`

// runViewRow receives one row of a run read for a member: the member's role,
// then runViewColumns. Text stays in pgx's read buffer and nullable columns
// are scanned by value, so that a hub page costs a handful of allocations
// instead of a dozen per row: view copies the row out into a pageStore.
type runViewRow struct {
	role            pgtype.DriverBytes
	id              int64
	environmentID   pgtype.Int8
	environmentName pgtype.DriverBytes
	typ, status     pgtype.DriverBytes
	outcome         pgtype.DriverBytes
	summaryCounts   pgtype.DriverBytes
	createdAt       time.Time
	startedAt       pgtype.Timestamptz
	heartbeatAt     pgtype.Timestamptz
	completedAt     pgtype.Timestamptz
	reconciliation  pgtype.DriverBytes
	// With diagnostics only:
	context, failures pgtype.DriverBytes
	// The hub's queries only: the member's all_environments, before the role.
	everyEnvironment bool
}

// hubDest is the scan destinations of a hub query's rows: all_environments,
// the role and runViewColumns(false).
func (r *runViewRow) hubDest() []any {
	return []any{&r.everyEnvironment, &r.role, &r.id, &r.environmentID,
		&r.typ, &r.status, &r.outcome, &r.summaryCounts, &r.createdAt, &r.startedAt,
		&r.heartbeatAt, &r.completedAt, &r.reconciliation, &r.environmentName}
}

// dest is the scan destinations of the role and runViewColumns(diagnostics).
func (r *runViewRow) dest(diagnostics bool) []any {
	dest := r.hubDest()[1:]
	if diagnostics {
		dest = append(dest, &r.context, &r.failures)
	}
	return dest
}

// view copies the row, a run of workspace ws, out of the driver's buffer into
// v; context and failures stay nil unless scanned (with diagnostics).
func (r *runViewRow) view(v *RunView, ws int64, page *pageStore) error {
	*v = RunView{Run: domain.Run{
		ID:          r.id,
		WorkspaceID: ws,
		Type:        page.str(r.typ),
		Status:      domain.Status(page.str(r.status)),
		Outcome:     domain.Outcome(page.str(r.outcome)),
		CreatedAt:   r.createdAt,
	}}
	if r.environmentID.Valid {
		v.EnvironmentID = page.int64s.ptr(r.environmentID.Int64)
	}
	if r.environmentName != nil {
		v.EnvironmentName = page.strs.ptr(page.str(r.environmentName))
	}
	v.SummaryCounts = page.json(r.summaryCounts)
	v.Reconciliation = page.json(r.reconciliation)
	v.Context, v.Failures = page.json(r.context), page.json(r.failures)
	var err error
	if v.StartedAt, err = page.time(r.startedAt); err != nil {
		return err
	}
	if v.LastHeartbeatAt, err = page.time(r.heartbeatAt); err != nil {
		return err
	}
	v.CompletedAt, err = page.time(r.completedAt)
	return err
}

// pageStore holds the values of one page's RunViews in a few shared
// allocations: repeated strings (type, status, environment name...) once
// each, JSON bytes back to back, and the targets of nullable fields in slabs.
// Its zero value is ready; arrays grow on demand and are kept by reset.
type pageStore struct {
	interned []string
	bytes    []byte
	times    slab[time.Time]
	int64s   slab[int64]
	strs     slab[string]
}

// reset empties s for the next page, keeping its arrays but the rare large
// ones: the views of the previous page must no longer be in use.
func (s *pageStore) reset() {
	clear(s.interned)
	s.interned = s.interned[:0]
	if cap(s.bytes) > 1<<20 {
		s.bytes = nil
	}
	s.bytes = s.bytes[:0]
	s.times.reset()
	s.int64s.reset()
	s.strs.reset()
}

// str returns b as a string, the same string for the same bytes: a page
// holds few distinct values of its text columns.
func (s *pageStore) str(b []byte) string {
	for _, v := range s.interned {
		if v == string(b) {
			return v
		}
	}
	v := string(b)
	if len(s.interned) < 32 { // a page of distinct values gains nothing from more
		s.interned = append(s.interned, v)
	}
	return v
}

// json copies b, nil for NULL; the copy's capacity ends at its length, so no
// append to it can reach the next value.
func (s *pageStore) json(b []byte) json.RawMessage {
	if b == nil {
		return nil
	}
	if len(s.bytes)+len(b) > cap(s.bytes) {
		s.bytes = make([]byte, 0, max(2*cap(s.bytes), len(b), 512))
	}
	start := len(s.bytes)
	s.bytes = append(s.bytes, b...)
	return s.bytes[start:len(s.bytes):len(s.bytes)]
}

// time returns t's time, nil for NULL.
func (s *pageStore) time(t pgtype.Timestamptz) (*time.Time, error) {
	switch {
	case !t.Valid:
		return nil, nil
	case t.InfinityModifier != pgtype.Finite: // as a *time.Time destination refuses it
		return nil, fmt.Errorf("cannot scan %s into *time.Time", t.InfinityModifier)
	}
	return s.times.ptr(t.Time), nil
}

// slab hands out pointers to values stored in shared arrays; a full array is
// left to the pointers into it and a new one started.
type slab[T any] []T

func (s *slab[T]) reset() {
	clear((*s)[:cap(*s)])
	*s = (*s)[:0]
}

func (s *slab[T]) ptr(v T) *T {
	if len(*s) == cap(*s) {
		*s = make(slab[T], 0, max(2*cap(*s), 8))
	}
	*s = append(*s, v)
	return &(*s)[len(*s)-1]
}

// scanError maps a scan's error: pgx.ErrNoRows becomes domain.ErrNotFound.
func scanError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.ErrNotFound
	}
	return fmt.Errorf("scan run: %w", err)
}
