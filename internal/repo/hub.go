package repo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
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
// not exist).
func RunListForMember(ctx context.Context, db DBTX, p RunListParams) (Member, []RunView, error) {
	sql, args := RunListQuery(p)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return Member{}, nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	m := Member{WorkspaceID: p.WorkspaceID, Subject: p.Subject}
	found := false
	runs := make([]RunView, 0, p.Limit)
	var dest []any
	for rows.Next() {
		found = true
		dest = append(dest[:0], &m.Role, &m.AllEnvironments)
		if rows.RawValues()[len(dest)] == nil { // the one row of a member with an empty page
			dest = append(dest, make([]any, len(rows.RawValues())-len(dest))...) // nil skips a column
		} else {
			runs = append(runs, RunView{})
			dest = runViewDest(dest, &runs[len(runs)-1], false)
		}
		if err := rows.Scan(dest...); err != nil {
			return Member{}, nil, scanError(err)
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

// RunListQuery returns the SQL and arguments RunListForMember runs, so that
// the load benchmark can EXPLAIN exactly the hub's query. Its rows are the
// member's role and all_environments, then the columns of runViewColumns
// (all NULL in the one row of a member with an empty page).
func RunListQuery(p RunListParams) (string, []any) {
	var q query
	ws, subject := q.arg(p.WorkspaceID), q.arg(p.Subject)
	where := []string{
		"r.workspace_id = " + ws,
		`(m.all_environments OR EXISTS (SELECT 1 FROM member_environment_grants g
			WHERE g.workspace_id = ` + ws + ` AND g.subject = ` + subject + `
			  AND g.managed_environment_id = r.managed_environment_id))`,
	}
	if p.EnvironmentID != nil {
		where = append(where, "r.managed_environment_id = "+q.arg(*p.EnvironmentID))
	}
	if len(p.Types) > 0 {
		where = append(where, "r.type = ANY("+q.arg(p.Types)+"::text[])")
	}
	// Status and outcome are literals from closed sets: as parameters, their
	// skewed distribution makes PostgreSQL re-plan the query on every call.
	if p.Status != "" {
		where = append(where, "r.status = "+literal(statusLiterals, p.Status))
	}
	if p.Outcome != "" {
		where = append(where, "r.outcome = "+literal(outcomeLiterals, p.Outcome))
	}
	if p.Stale != nil {
		n := len(q.args) + 1
		q.args = append(q.args, p.Thresholds.args(p.Now)...)
		cond := staleCondition(n)
		if !*p.Stale {
			cond = "NOT " + cond
		}
		where = append(where, cond)
	}
	if p.After != nil {
		where = append(where, "(r.created_at, r.id) < ("+q.arg(p.After.CreatedAt)+"::timestamptz, "+q.arg(p.After.ID)+"::bigint)")
	}
	sql := `SELECT m.role, m.all_environments, page.*
		FROM workspace_members m
		LEFT JOIN LATERAL (
			SELECT ` + runViewColumns(false) + ` FROM ` + runFrom + `
			WHERE ` + strings.Join(where, "\n\t\t\t  AND ") + `
			ORDER BY r.created_at DESC, r.id DESC
			LIMIT ` + strconv.Itoa(p.Limit) + ` -- a literal: with LIMIT $n PostgreSQL would plan every call anew
		) page ON true
		WHERE m.workspace_id = ` + ws + ` AND m.subject = ` + subject
	return sql, q.args
}

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

// query collects positional arguments for SQL built from optional parts.
type query struct{ args []any }

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}
