package repo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// RunPosition is a keyset position in the hub's order (created_at DESC, id DESC).
type RunPosition struct {
	CreatedAt time.Time
	ID        int64
}

// RunListParams selects one page of a workspace's runs as one member sees
// them, newest first. Zero-valued filters do not filter.
type RunListParams struct {
	WorkspaceID   int64
	Subject       string   // the member asking; their environment grants apply
	EnvironmentID *int64   // only runs of this environment
	Types         []string // stored type strings to match (a family with its aliases)
	Status        string
	Outcome       string
	Stale         *bool
	Thresholds    StaleThresholds // for Stale
	Now           time.Time       // for Stale
	After         *RunPosition    // only runs strictly older than this position
	Limit         int
}

// RunListForMember returns the subject's membership of the workspace and up
// to p.Limit of the runs they may see, in one query: membership, environment
// grants and environment names are joined, never fetched separately. It
// returns ErrNotFound when the subject is not a member (or the workspace does
// not exist). The runs are appended to runs[:0], so that a caller can reuse
// one slice across calls.
func RunListForMember(ctx context.Context, db DBTX, p RunListParams, runs []RunView) (Member, []RunView, error) {
	sql, args := RunListQuery(p)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return Member{}, nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var m Member
	found := false
	runs = runs[:0]
	var (
		row  hubRow
		page = newPageStore(p.Limit)
		dest = row.dest()
	)
	for rows.Next() {
		empty := rows.RawValues()[hubFirstRunColumn] == nil // the one row of a member with an empty page
		if empty {
			clear(dest[hubFirstRunColumn:]) // nil skips a column
		}
		if err := rows.Scan(dest...); err != nil {
			return Member{}, nil, scanError(err)
		}
		if !found {
			found, m.Role = true, string(row.role)
		}
		if !empty {
			runs = append(runs, RunView{})
			if err := row.view(&runs[len(runs)-1], &page); err != nil {
				return Member{}, nil, scanError(err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Member{}, nil, fmt.Errorf("list runs: %w", err)
	}
	if !found {
		return Member{}, nil, ErrNotFound
	}
	return m, runs, nil
}

// hubRow receives one row of the hub query. Text and jsonb stay in pgx's
// read buffer and nullable columns are scanned by value, so that a page
// costs a handful of allocations instead of a dozen per row: view copies the
// row out into a pageStore.
type hubRow struct {
	role            pgtype.DriverBytes
	id, workspaceID int64
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
}

// hubFirstRunColumn is the position of the first run column (r.id) in
// RunListQuery's rows, after the member's role.
const hubFirstRunColumn = 1

// dest is the scan destinations of RunListQuery's columns: the role, then
// runViewColumns(false).
func (r *hubRow) dest() []any {
	return []any{&r.role, &r.id, &r.workspaceID, &r.environmentID, &r.environmentName,
		&r.typ, &r.status, &r.outcome, &r.summaryCounts, &r.createdAt, &r.startedAt,
		&r.heartbeatAt, &r.completedAt, &r.reconciliation}
}

// view copies the row out of the driver's buffer into v.
func (r *hubRow) view(v *RunView, page *pageStore) error {
	*v = RunView{Run: Run{
		ID:          r.id,
		WorkspaceID: r.workspaceID,
		Type:        page.str(r.typ),
		Status:      page.str(r.status),
		Outcome:     page.str(r.outcome),
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
type pageStore struct {
	interned []string
	bytes    []byte
	times    slab[time.Time]
	int64s   slab[int64]
	strs     slab[string]
}

func newPageStore(rows int) pageStore {
	return pageStore{
		bytes:  make([]byte, 0, 64*rows),
		times:  make(slab[time.Time], 0, 3*rows),
		int64s: make(slab[int64], 0, rows),
		strs:   make(slab[string], 0, 2*rows),
	}
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
		s.bytes = make([]byte, 0, max(2*cap(s.bytes), len(b)))
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

func (s *slab[T]) ptr(v T) *T {
	if len(*s) == cap(*s) {
		*s = make(slab[T], 0, max(2*cap(*s), 8))
	}
	*s = append(*s, v)
	return &(*s)[len(*s)-1]
}

// RunListQuery returns the SQL and arguments RunListForMember runs, so that
// the load benchmark can EXPLAIN exactly the hub's query. Its rows are the
// member's role, then the columns of runViewColumns
// (all NULL in the one row of a member with an empty page).
func RunListQuery(p RunListParams) (string, []any) {
	q := query{args: make([]any, 0, 11)}
	q.sql.Grow(len(hubQueryHead) + len(hubQueryTail) + 512)
	q.sql.WriteString(hubQueryHead)
	q.args = append(q.args, p.WorkspaceID, p.Subject) // $1, $2
	if p.EnvironmentID != nil {
		q.and("r.managed_environment_id = ")
		q.arg(*p.EnvironmentID)
	}
	if len(p.Types) > 0 {
		q.and("r.type = ANY(")
		q.arg(p.Types)
		q.sql.WriteString("::text[])")
	}
	// Status and outcome are literals from closed sets: as parameters, their
	// skewed distribution makes PostgreSQL re-plan the query on every call.
	if p.Status != "" {
		q.and("r.status = " + literal(statusLiterals, p.Status))
	}
	if p.Outcome != "" {
		q.and("r.outcome = " + literal(outcomeLiterals, p.Outcome))
	}
	if p.Stale != nil {
		n := len(q.args) + 1
		q.args = append(q.args, p.Thresholds.args(p.Now)...)
		cond := staleCondition(n)
		if !*p.Stale {
			cond = "NOT " + cond
		}
		q.and(cond)
	}
	if p.After != nil {
		q.and("(r.created_at, r.id) < (")
		q.arg(p.After.CreatedAt)
		q.sql.WriteString("::timestamptz, ")
		q.arg(p.After.ID)
		q.sql.WriteString("::bigint)")
	}
	// LIMIT is a literal: with LIMIT $n PostgreSQL would plan every call anew.
	q.sql.WriteString("\n\t\t\tORDER BY r.created_at DESC, r.id DESC\n\t\t\tLIMIT ")
	q.sql.WriteString(strconv.Itoa(p.Limit))
	q.sql.WriteString(hubQueryTail)
	return q.sql.String(), q.args
}

// The static parts of the hub query, built once: $1 is the workspace and $2
// the subject; RunListQuery adds the filters, order and limit in between.
var (
	hubQueryHead = `SELECT m.role, page.*
		FROM workspace_members m
		LEFT JOIN LATERAL (
			SELECT ` + runViewColumns(false) + ` FROM ` + runFrom + `
			WHERE r.workspace_id = $1
			  AND (m.all_environments OR EXISTS (SELECT 1 FROM member_environment_grants g
				WHERE g.workspace_id = $1 AND g.subject = $2
				  AND g.managed_environment_id = r.managed_environment_id))`
	hubQueryTail = `
		) page ON true
		WHERE m.workspace_id = $1 AND m.subject = $2`
)

// The values the status and outcome columns may hold (CHECK constraints of
// operation_runs) as SQL literals; any other filter value matches nothing.
var (
	statusLiterals  = literals("queued", "running", "completed")
	outcomeLiterals = literals("pending", "succeeded", "partially_succeeded", "blocked", "failed", "cancelled")
)

// literal returns v's SQL literal, or NULL (which equals nothing) for a value
// outside the set.
func literal(set map[string]string, v string) string {
	if lit, ok := set[v]; ok {
		return lit
	}
	return "NULL"
}

func literals(values ...string) map[string]string {
	m := make(map[string]string, len(values))
	for _, v := range values {
		m[v] = "'" + v + "'"
	}
	return m
}

// query builds SQL from optional parts with their positional arguments.
type query struct {
	sql  strings.Builder
	args []any
}

// and adds a condition, or its start, to the WHERE clause.
func (q *query) and(cond string) {
	q.sql.WriteString("\n\t\t\t  AND ")
	q.sql.WriteString(cond)
}

// arg adds v as the next argument and writes its placeholder.
func (q *query) arg(v any) {
	q.args = append(q.args, v)
	q.sql.WriteByte('$')
	q.sql.WriteString(strconv.Itoa(len(q.args)))
}
