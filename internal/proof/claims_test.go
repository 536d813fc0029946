package proof_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/proof"
)

func TestParseInventoryClaimsToleratesWhatJobsWrite(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		context string
		want    proof.InventoryClaims
	}{
		"empty context":          {`{}`, proof.InventoryClaims{}},
		"inventory not object":   {`{"inventory": "yes"}`, proof.InventoryClaims{}},
		"inventory null":         {`{"inventory": null}`, proof.InventoryClaims{}},
		"attempted not array":    {`{"inventory": {"attempted_types": "a"}}`, proof.InventoryClaims{Present: true}},
		"coverage not object":    {`{"inventory": {"attempted_types": ["a"], "coverage": []}}`, proof.InventoryClaims{Present: true, Types: []proof.TypeCoverage{{Type: "a"}}}},
		"entry not object":       {`{"inventory": {"attempted_types": ["a"], "coverage": {"a": "succeeded"}}}`, proof.InventoryClaims{Present: true, Types: []proof.TypeCoverage{{Type: "a"}}}},
		"unknown status":         {`{"inventory": {"attempted_types": ["a"], "coverage": {"a": {"status": "running"}}}}`, proof.InventoryClaims{Present: true, Types: []proof.TypeCoverage{{Type: "a"}}}},
		"item count wrong types": {`{"inventory": {"attempted_types": ["a", "b", "c"], "coverage": {"a": {"status": "succeeded", "item_count": "3"}, "b": {"status": "succeeded", "item_count": -2}, "c": {"status": "succeeded", "item_count": 1.5}}}}`, proof.InventoryClaims{Present: true, Types: []proof.TypeCoverage{{Type: "a", Status: "succeeded"}, {Type: "b", Status: "succeeded"}, {Type: "c", Status: "succeeded"}}}},
		"codes by status":        {`{"inventory": {"attempted_types": ["a", "b"], "coverage": {"a": {"status": "failed", "error_code": "e", "reason_code": "r"}, "b": {"status": "skipped", "error_code": "e", "reason_code": "r"}}}}`, proof.InventoryClaims{Present: true, Types: []proof.TypeCoverage{{Type: "a", Status: "failed", Code: "e"}, {Type: "b", Status: "skipped", Code: "r"}}}},
		"blocked reason string":  {`{"inventory": {"blocked_reason": "provider_connection_missing"}}`, proof.InventoryClaims{Present: true, BlockedReason: proof.Reason{Set: true, Code: "provider_connection_missing"}}},
		"blocked reason message": {`{"inventory": {"blocked_reason": {"message": "m"}}}`, proof.InventoryClaims{Present: true, BlockedReason: proof.Reason{Set: true}}},
		"blocked reason empty":   {`{"inventory": {"blocked_reason": {}}}`, proof.InventoryClaims{Present: true}},
		"blocked reason null":    {`{"inventory": {"blocked_reason": null}}`, proof.InventoryClaims{Present: true}},
		"blocked reason number":  {`{"inventory": {"blocked_reason": 1}}`, proof.InventoryClaims{Present: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := proof.ParseInventoryClaims(json.RawMessage(tc.context))
			if len(got.Types) == 0 {
				got.Types = nil
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseBaselineClaimsToleratesWhatJobsWrite(t *testing.T) {
	t.Parallel()
	got := proof.ParseBaselineClaims(json.RawMessage(`{"baseline_capture": {"baseline_profile_id": 7,
		"baseline_snapshot_id": "91", "eligibility": {"status": "blocked", "reason_code": 5},
		"gaps": {"count": 3}, "meta_fallback_count": 2}}`))
	require.Equal(t, proof.BaselineClaims{ProfileID: proof.Pointer{ID: 7, Given: true},
		SnapshotID: proof.Pointer{Given: true, Malformed: true}, EligibilityBlocked: true, GapCount: 3, MetaFallbackCount: 2}, got)

	for _, ctx := range []string{`{}`, `{"baseline_capture": []}`, `{"baseline_capture": {"eligibility": "blocked", "gaps": 3}}`} {
		got := proof.ParseBaselineClaims(json.RawMessage(ctx))
		require.False(t, got.EligibilityBlocked, ctx)
		require.Zero(t, got.GapCount, ctx)
	}
	for raw, want := range map[string]proof.Pointer{
		`null`: {}, `0`: {Given: true, Malformed: true}, `-4`: {Given: true, Malformed: true},
		`1.5`: {Given: true, Malformed: true}, `{}`: {Given: true, Malformed: true}, `12`: {ID: 12, Given: true},
	} {
		got := proof.ParseBaselineClaims(json.RawMessage(`{"baseline_capture": {"baseline_snapshot_id": ` + raw + `}}`))
		require.Equal(t, want, got.SnapshotID, raw)
	}
}

func TestParseBackupClaimsToleratesWhatJobsWrite(t *testing.T) {
	t.Parallel()
	got := proof.ParseBackupClaims(json.RawMessage(`{"backup_schedule_id": 3, "backup_set_id": 55,
		"backup_schedule": {"skip_reason": {"reason_code": "schedule_disabled", "message": "off"}}}`))
	require.Equal(t, proof.BackupClaims{ScheduleID: proof.Pointer{ID: 3, Given: true}, SetID: proof.Pointer{ID: 55, Given: true},
		SkipReason: proof.Reason{Set: true, Code: "schedule_disabled"}}, got)
	got = proof.ParseBackupClaims(json.RawMessage(`{"backup_schedule": "disabled", "backup_set_id": true}`))
	require.Equal(t, proof.BackupClaims{SetID: proof.Pointer{Given: true, Malformed: true}}, got)
}
