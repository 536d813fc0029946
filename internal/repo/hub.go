package repo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/runproof/runproof/internal/domain"
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
	Subject       string        // the member asking; their environment grants apply
	EnvironmentID *int64        // only runs of this environment
	Family        domain.Family // only runs of this canonical family, stored under its name or an alias
	Status        domain.Status
	Outcome       domain.Outcome
	Stale         *bool
	Thresholds    StaleThresholds // for Stale
	Now           time.Time       // for Stale
	After         *RunPosition    // only runs strictly older than this position
	Limit         int
}

// RunPage is a page of runs. Reading into a RunPage reuses its slice, so
// that a caller can recycle one page across requests once the previous
// page's runs are no longer used.
type RunPage struct {
	Runs []RunView
}

// RunListForMember reads into page the subject's membership of the workspace
// and up to p.Limit of the runs they may see. For a member who sees every
// environment that is one query: membership and environment names are
// joined, never fetched separately. A member with environment grants needs a
// second, which reads their granted environments only (RunListQuery says
// why). It returns domain.ErrNotFound when the subject is not a member (or the
// workspace does not exist).
func RunListForMember(ctx context.Context, db DBTX, p RunListParams, page *RunPage) (Member, error) {
	clear(page.Runs)
	page.Runs = page.Runs[:0]
	if cap(page.Runs) < p.Limit {
		// A page's runs are large: grown by append, they were most of the
		// bytes a page allocated (BenchmarkHub).
		page.Runs = make([]RunView, 0, p.Limit)
	}
	filters, args := hubFilters(p)
	m, everyEnvironment, err := readRunPage(ctx, db, hubSQL(p, filters, false), args, p.WorkspaceID, page)
	if err != nil || everyEnvironment {
		return m, err
	}
	m, _, err = readRunPage(ctx, db, hubSQL(p, filters, true), args, p.WorkspaceID, page)
	return m, err
}

// readRunPage runs a query of RunListQuery and appends its runs to page. It
// returns the member and whether they see every environment.
func readRunPage(ctx context.Context, db DBTX, sql string, args []any, ws int64, page *RunPage) (Member, bool, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return Member{}, false, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var (
		m                Member
		everyEnvironment bool
		found            bool
		row              hubRow
		strs             pageStrings
	)
	dest := row.dest(&everyEnvironment, &m.Role)
	for rows.Next() {
		found = true
		// A row is the member's all_environments and role, then a run: all
		// NULL in the one row of a member with an empty page, whose run
		// columns nil destinations skip.
		if raw := rows.RawValues(); raw[2] == nil {
			if err := rows.Scan(append(dest[:2:2], make([]any, len(raw)-2)...)...); err != nil {
				return Member{}, false, fmt.Errorf("list runs: %w", err)
			}
			continue
		}
		if err := rows.Scan(dest...); err != nil {
			return Member{}, false, fmt.Errorf("list runs: %w", err)
		}
		page.Runs = append(page.Runs, RunView{})
		if err := row.copyTo(&page.Runs[len(page.Runs)-1], ws, &strs); err != nil {
			return Member{}, false, fmt.Errorf("list runs: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return Member{}, false, fmt.Errorf("list runs: %w", err)
	}
	if !found {
		return Member{}, false, domain.ErrNotFound
	}
	return m, everyEnvironment, nil
}

// hubRow receives the run of one hub row. Its text stays in the driver's
// buffer until copyTo and its nullable columns are scanned by value, so
// that a row costs two allocations rather than a dozen: BenchmarkHub shows
// it pays.
type hubRow struct {
	id                              int64
	environmentID                   pgtype.Int8
	typ, status, outcome            pgtype.DriverBytes
	summaryCounts, reconciliation   pgtype.DriverBytes
	createdAt                       time.Time
	startedAt, heartbeat, completed pgtype.Timestamptz
	environmentName                 pgtype.DriverBytes
}

// dest is the scan destinations of a hub row: the member's columns, then r.
func (r *hubRow) dest(everyEnvironment *bool, role *string) []any {
	return []any{everyEnvironment, role, &r.id, &r.environmentID, &r.typ, &r.status, &r.outcome,
		&r.summaryCounts, &r.createdAt, &r.startedAt, &r.heartbeat, &r.completed,
		&r.reconciliation, &r.environmentName}
}

// rowValues holds what a run's pointer fields point to, in one allocation.
type rowValues struct {
	environmentID                   int64
	environmentName                 string
	startedAt, heartbeat, completed time.Time
}

// copyTo copies the row, a run of workspace ws, out of the driver's buffer
// into v.
func (r *hubRow) copyTo(v *RunView, ws int64, strs *pageStrings) error {
	vals := new(rowValues)
	*v = RunView{Run: domain.Run{
		ID:              r.id,
		WorkspaceID:     ws,
		Type:            strs.get(r.typ),
		Status:          domain.Status(strs.get(r.status)),
		Outcome:         domain.Outcome(strs.get(r.outcome)),
		CreatedAt:       r.createdAt,
		EnvironmentID:   valueOf(&vals.environmentID, r.environmentID.Int64, r.environmentID.Valid),
		EnvironmentName: valueOf(&vals.environmentName, strs.get(r.environmentName), r.environmentName != nil),
	}}
	for _, t := range [...]struct {
		dst  **time.Time
		val  *time.Time
		scan pgtype.Timestamptz
	}{
		{&v.StartedAt, &vals.startedAt, r.startedAt},
		{&v.LastHeartbeatAt, &vals.heartbeat, r.heartbeat},
		{&v.CompletedAt, &vals.completed, r.completed},
	} {
		if t.scan.Valid && t.scan.InfinityModifier != pgtype.Finite { // as a *time.Time destination refuses it
			return fmt.Errorf("cannot scan %s into *time.Time", t.scan.InfinityModifier)
		}
		*t.dst = valueOf(t.val, t.scan.Time, t.scan.Valid)
	}
	// Both JSON texts in one copy, each capped at its length so that no
	// append to one can reach the other.
	if n := len(r.summaryCounts) + len(r.reconciliation); n > 0 {
		b := append(make([]byte, 0, n), r.summaryCounts...)
		b = append(b, r.reconciliation...)
		nc := len(r.summaryCounts)
		if r.summaryCounts != nil {
			v.SummaryCounts = b[:nc:nc]
		}
		if r.reconciliation != nil {
			v.Reconciliation = b[nc:n:n]
		}
	}
	return nil
}

// valueOf sets *dst to val and returns dst when valid, nil otherwise.
func valueOf[T any](dst *T, val T, valid bool) *T {
	if !valid {
		return nil
	}
	*dst = val
	return dst
}

// pageStrings hands out the text values of one page: a page holds few
// distinct types, statuses, outcomes and environment names, so each is
// allocated once.
type pageStrings struct {
	seen [32]string
	n    int
}

func (p *pageStrings) get(b []byte) string {
	for _, s := range p.seen[:p.n] {
		if s == string(b) {
			return s
		}
	}
	s := string(b)
	if p.n < len(p.seen) {
		p.seen[p.n] = s
		p.n++
	}
	return s
}

// RunListQuery returns the SQL and arguments of one of RunListForMember's
// queries, so that the load benchmark can EXPLAIN exactly the hub's query.
// Its rows are the member's all_environments and role, then a run's
// columns, as readRunPage scans them.
//
// The hub's SQL is the one query of repo built in Go instead of written in
// queries/*.sql for sqlc. Its filters are optional: a static query would
// spell each as "($n IS NULL OR ...)", which a cached plan cannot serve from
// the filter's index (migration 00005), so each page would read the
// workspace newest first. Status, outcome, LIMIT and the stale thresholds
// are literals because, as parameters, they made PostgreSQL plan the query
// anew on every call.
//
// A page is read in one of two ways. For a member who sees every
// environment (granted false), the query walks the workspace newest first; for
// any other member it reads no runs, only the membership. The granted query
// walks each environment granted to the member newest first
// (operation_runs_environment_newest) and merges the walks. Filtering one
// workspace-wide walk by the grants instead would read every run of the
// workspace to fill the page of a member granted a small environment; and one
// query holding both ways loses PostgreSQL's cached plan, which made every
// hub request plan its query again (twice the CPU per page).
func RunListQuery(p RunListParams, granted bool) (string, []any) {
	filters, args := hubFilters(p)
	return hubSQL(p, filters, granted), args
}

// hubFilters returns the WHERE conditions of p's filters, shared by both hub
// queries, and the arguments of both.
func hubFilters(p RunListParams) (string, []any) {
	q := query{args: make([]any, 0, 11)}
	q.args = append(q.args, p.WorkspaceID, p.Subject) // $1, $2
	if p.EnvironmentID != nil {
		q.and("r.managed_environment_id = ")
		q.arg(*p.EnvironmentID)
	}
	if p.Family != "" {
		q.and("run_family(r.type) = ") // the expression of operation_runs_workspace_family_newest
		q.arg(string(p.Family))
	}
	// Status and outcome are literals from closed sets: as parameters, their
	// skewed distribution makes PostgreSQL re-plan the query on every call.
	if p.Status != "" {
		q.and("r.status = " + literal(statusLiterals, string(p.Status)))
	}
	if p.Outcome != "" {
		q.and("r.outcome = " + literal(outcomeLiterals, string(p.Outcome)))
	}
	if p.Stale != nil {
		q.args = append(q.args, p.Now)
		cond := staleCondition(p.Thresholds, len(q.args))
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
	return q.sql.String(), q.args
}

// hubSQL puts filters into one of the hub queries, in one allocation.
func hubSQL(p RunListParams, filters string, granted bool) string {
	// LIMIT is a literal: with LIMIT $n PostgreSQL would plan every call anew.
	limit := strconv.Itoa(p.Limit)
	var b strings.Builder
	if !granted {
		b.Grow(len(hubQueryEveryEnvironment) + len(filters) + len(hubQueryEnd) + 64)
		b.WriteString(hubQueryEveryEnvironment)
		b.WriteString(filters)
		writeNewest(&b, limit)
		b.WriteString(hubQueryEnd)
		return b.String()
	}
	b.Grow(len(hubQueryGrantedEnvironments) + 2*len(filters) + 512)
	b.WriteString(hubQueryGrantedEnvironments)
	if p.Family != "" || p.Outcome != "" || p.Status.Open() || (p.Stale != nil && *p.Stale) {
		// Their indexes lead with the workspace: with it, a walk may take one
		// of them when the filter is rarer than the environment.
		b.WriteString(" AND r.workspace_id = $1")
	}
	b.WriteString(filters)
	writeNewest(&b, limit)
	b.WriteString(hubQueryGrantedMerged)
	b.WriteString(" LIMIT ")
	b.WriteString(limit)
	b.WriteString(hubQueryGrantedEnd)
	writeNewest(&b, limit)
	b.WriteString(hubQueryEnd)
	return b.String()
}

// writeNewest writes the hub's order and page size.
func writeNewest(b *strings.Builder, limit string) {
	b.WriteString("\n\t\t\tORDER BY r.created_at DESC, r.id DESC LIMIT ")
	b.WriteString(limit)
}

// The static parts of the hub queries, built once, between which
// RunListQuery puts the filters, order and limit: $1 is the workspace and $2
// the subject. A granted environment's runs are all of the member's
// workspace (both foreign keys are composite, (workspace_id, environment)),
// so the granted walk needs no workspace condition; without one, no plan
// can walk the whole workspace instead of the environment (RunListQuery adds
// it only for the filters whose indexes lead with the workspace).
var (
	hubQueryEveryEnvironment = `SELECT m.all_environments, m.role, page.*
		FROM workspace_members m
		LEFT JOIN LATERAL (
			SELECT ` + hubRunColumns + `, e.name
			FROM operation_runs r LEFT JOIN managed_environments e ON e.id = r.managed_environment_id
			WHERE m.all_environments AND r.workspace_id = $1`
	hubQueryGrantedEnvironments = `SELECT m.all_environments, m.role, page.*
		FROM workspace_members m
		LEFT JOIN LATERAL (
			SELECT ` + hubRunColumns + `, e.name FROM (
				SELECT granted.* FROM member_environment_grants g CROSS JOIN LATERAL (
					SELECT ` + hubRunColumns + ` FROM operation_runs r
					WHERE r.managed_environment_id = g.managed_environment_id`
	hubQueryGrantedMerged = `) granted
				WHERE g.workspace_id = m.workspace_id AND g.subject = m.subject
				ORDER BY granted.created_at DESC, granted.id DESC`
	hubQueryGrantedEnd = `
			) r LEFT JOIN managed_environments e ON e.id = r.managed_environment_id`
	hubQueryEnd = `
		) page ON true
		WHERE m.workspace_id = $1 AND m.subject = $2`
)

// hubRunColumns are the run columns readRunPage scans, from operation_runs r;
// the summary counts and the reconciliation from their text copies
// (migration 00003), which cost PostgreSQL no jsonb serialization per read.
const hubRunColumns = `r.id, r.managed_environment_id, r.type, r.status, r.outcome,
		r.summary_counts_text, r.created_at, r.started_at, r.last_heartbeat_at, r.completed_at,
		r.reconciliation_text`

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
