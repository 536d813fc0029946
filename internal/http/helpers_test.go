package http_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func runPath(ws, run int64) string { return fmt.Sprintf("/workspaces/%d/operations/%d", ws, run) }

func hubPath(ws int64, query string) string {
	p := fmt.Sprintf("/workspaces/%d/operations", ws)
	if query != "" {
		p += "?" + query
	}
	return p
}

func reconcilePath(ws, run int64) string { return runPath(ws, run) + "/reconcile" }

func itoa(n int64) string { return fmt.Sprint(n) }

// blockedInventory is inventory proof that decides "blocked": every attempted
// type was skipped with a reason.
const blockedInventory = `{"inventory": {"attempted_types": ["deviceConfiguration"],
	"coverage": {"deviceConfiguration": {"status": "skipped", "reason_code": "provider_permission_missing"}}}}`

// problemFields returns the field names a 400 problem lists.
func problemFields(t *testing.T, res response) []string {
	t.Helper()
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	var p struct {
		Code   string `json:"code"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &p))
	require.Equal(t, "invalid", p.Code)
	fields := make([]string, 0, len(p.Errors))
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	return fields
}
