package app_test

import (
	"testing"

	"github.com/runproof/runproof/internal/domain"
	"github.com/runproof/runproof/internal/proof/prooftest"
	"github.com/runproof/runproof/internal/reconcile"
)

func inventoryCtx(attempted []string, coverage obj, blocked any) obj {
	inv := obj{"attempted_types": attempted, "coverage": coverage}
	if blocked != nil {
		inv["blocked_reason"] = blocked
	}
	return obj{"inventory": inv}
}

func ok(n int) obj               { return obj{"status": "succeeded", "item_count": n} }
func failedWith(code string) obj { return obj{"status": "failed", "error_code": code} }
func skippedFor(code string) obj { return obj{"status": "skipped", "reason_code": code} }
func blockedFor(code string) obj { return obj{"status": "blocked", "reason_code": code} }

var threeTypes = []string{"deviceConfiguration", "compliancePolicy", "appProtection"}

// observed inserts a run with ctx and, in scope, the items its succeeded
// types claim.
func observed(ctx obj) func(s scene) domain.Run {
	return func(s scene) domain.Run {
		r := s.run(ctx, nil)
		if inv, ok := ctx["inventory"].(obj); ok {
			cov, _ := inv["coverage"].(obj)
			for typ, c := range cov {
				if e, _ := c.(obj); e["status"] == "succeeded" && e["item_count"].(int) > 0 {
					prooftest.Items(s.t, s.b.pool, s.b.w.WS, s.b.w.Env, r.ID, typ, e["item_count"].(int))
				}
			}
		}
		return s.reread(r)
	}
}

// withItemsIn adds n items last seen by the run in (ws, env) to a setup.
func withItemsIn(setup func(s scene) domain.Run, where func(w prooftest.World) (int64, int64), n int) func(s scene) domain.Run {
	return func(s scene) domain.Run {
		r := setup(s)
		ws, env := where(s.b.w)
		prooftest.Items(s.t, s.b.pool, ws, env, r.ID, "deviceConfiguration", n)
		return s.reread(r)
	}
}

func otherWorkspace(w prooftest.World) (int64, int64)   { return w.OtherWS, w.OtherWSEnv }
func otherEnvironment(w prooftest.World) (int64, int64) { return w.WS, w.OtherEnv }

func TestInventoryDecisions(t *testing.T) {
	t.Parallel()
	fin, nr := domain.DecisionFinalized, domain.DecisionNotReconciled
	cases := []familyCase{
		// succeeded
		{name: "every attempted type succeeded", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(12), "compliancePolicy": ok(6), "appProtection": ok(4)}, nil)),
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonInventoryComplete,
			exact: "Inventory captured in full: 3 policy types succeeded, with 22 items observed."},
		{name: "succeeded with nothing to observe", setup: observed(inventoryCtx([]string{"appProtection"}, obj{"appProtection": ok(0)}, nil)),
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonInventoryComplete, says: []string{"1 policy type succeeded", "0 items observed"}},
		{name: "coverage of a type not attempted is ignored", setup: observed(inventoryCtx([]string{"deviceConfiguration"}, obj{"deviceConfiguration": ok(2), "compliancePolicy": failedWith("graph_throttled")}, nil)),
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonInventoryComplete, says: []string{"1 policy type succeeded, with 2 items"}},
		{name: "complete coverage wins over a blocked reason", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(1), "compliancePolicy": ok(1), "appProtection": ok(1)}, obj{"reason_code": "provider_connection_missing"})),
			kind: fin, outcome: domain.OutcomeSucceeded, reason: reconcile.ReasonInventoryComplete},

		// partially_succeeded
		{name: "one failed and one never reached", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(8), "compliancePolicy": failedWith("graph_throttled")}, nil)),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial,
			exact: "Inventory partly captured: 1 of 3 policy types failed (graph_throttled), 1 not reached; 1 succeeded."},
		{name: "one skipped with a reason", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(5), "compliancePolicy": ok(3), "appProtection": skippedFor("provider_permission_missing")}, nil)),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial,
			says: []string{"1 of 3 policy types skipped (provider_permission_missing); 2 succeeded"}},
		{name: "one blocked", setup: observed(inventoryCtx([]string{"deviceConfiguration", "appProtection"}, obj{"deviceConfiguration": ok(5), "appProtection": blockedFor("license_missing")}, nil)),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial, says: []string{"1 of 2 policy types blocked (license_missing); 1 succeeded"}},
		{name: "no coverage entry counts as a gap", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(5), "compliancePolicy": ok(5)}, nil)),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial, says: []string{"1 of 3 policy types not reached; 2 succeeded"}},
		{name: "an unknown coverage status counts as a gap", setup: observed(inventoryCtx([]string{"deviceConfiguration", "appProtection"}, obj{"deviceConfiguration": ok(5), "appProtection": obj{"status": "running"}}, nil)),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial, says: []string{"1 of 2 policy types not reached"}},
		{name: "usable output wins over a blocked reason", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(4), "compliancePolicy": failedWith("graph_throttled")}, obj{"reason_code": "provider_connection_missing"})),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial},
		{name: "many failure codes are listed briefly", setup: observed(inventoryCtx([]string{"a", "b", "c", "d", "e", "f"}, obj{"a": ok(1), "b": failedWith("c1"), "c": failedWith("c2"), "d": failedWith("c3"), "e": failedWith("c4"), "f": failedWith("not json {}")}, nil)),
			kind: fin, outcome: domain.OutcomePartiallySucceeded, reason: reconcile.ReasonInventoryPartial,
			says: []string{"5 of 6 policy types failed (c1, c2, c3 and 2 more); 1 succeeded"}},

		// blocked
		{name: "blocked reason and nothing covered", setup: observed(inventoryCtx(threeTypes, obj{}, obj{"reason_code": "provider_connection_missing", "message": "Reconnect {tenant}."})),
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonInventoryBlocked,
			exact: "Inventory blocked (provider_connection_missing): 3 of 3 policy types not reached."},
		{name: "blocked before attempting anything", setup: observed(inventoryCtx([]string{}, obj{}, obj{"reason_code": "provider_connection_missing"})),
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonInventoryBlocked, says: []string{"with 0 policy types attempted"}},
		{name: "every type skipped or blocked with a reason code", setup: observed(inventoryCtx([]string{"deviceConfiguration", "appProtection"}, obj{"deviceConfiguration": skippedFor("provider_permission_missing"), "appProtection": blockedFor("license_missing")}, nil)),
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonInventoryBlocked,
			exact: "Inventory blocked: 1 of 2 policy types skipped (provider_permission_missing), 1 blocked (license_missing)."},
		{name: "blocked wins over failed", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": failedWith("graph_throttled")}, obj{"reason_code": "provider_connection_missing"})),
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonInventoryBlocked, says: []string{"1 of 3 policy types failed (graph_throttled), 2 not reached"}},
		{name: "a blocked reason with an unreadable code", setup: observed(inventoryCtx(threeTypes, obj{}, obj{"reason_code": "<b>{x}</b>"})),
			kind: fin, outcome: domain.OutcomeBlocked, reason: reconcile.ReasonInventoryBlocked, says: []string{"(unrecognized code)"}},

		// failed
		{name: "nothing succeeded and one failed", setup: observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": failedWith("graph_unavailable"), "compliancePolicy": failedWith("graph_throttled"), "appProtection": failedWith("graph_unavailable")}, nil)),
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonInventoryFailed,
			exact: "Inventory not captured: 3 of 3 policy types failed (graph_unavailable, graph_throttled)."},
		{name: "failed with a skipped type", setup: observed(inventoryCtx([]string{"deviceConfiguration", "appProtection"}, obj{"deviceConfiguration": failedWith("graph_unavailable"), "appProtection": skippedFor("provider_permission_missing")}, nil)),
			kind: fin, outcome: domain.OutcomeFailed, reason: reconcile.ReasonInventoryFailed},

		// not_reconciled: missing proof
		{name: "no inventory context", setup: observed(obj{}),
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"0 policy types were attempted"}},
		{name: "inventory context of the wrong type", setup: observed(obj{"inventory": []any{"deviceConfiguration"}}),
			kind: nr, reason: reconcile.ReasonMissing},
		{name: "empty attempted types", setup: observed(inventoryCtx([]string{}, obj{}, nil)),
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"0 policy types were attempted"}},
		{name: "no coverage entries and no blocked reason", setup: observed(inventoryCtx(threeTypes, obj{}, nil)),
			kind: nr, reason: reconcile.ReasonMissing, says: []string{"3 of 3 policy types not reached, and no blocked reason"}},
		{name: "skipped without a reason code is not blocked", setup: observed(inventoryCtx([]string{"deviceConfiguration", "appProtection"}, obj{"deviceConfiguration": skippedFor("x"), "appProtection": obj{"status": "skipped"}}, nil)),
			kind: nr, reason: reconcile.ReasonMissing},
		{name: "an empty blocked reason is not set", setup: observed(inventoryCtx(threeTypes, obj{}, obj{})),
			kind: nr, reason: reconcile.ReasonMissing},

		// not_reconciled: fail closed
		{name: "an item last seen in another workspace", setup: withItemsIn(observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(3), "compliancePolicy": ok(2), "appProtection": ok(1)}, nil)), otherWorkspace, 2),
			kind: nr, reason: reconcile.ReasonScopeMismatch,
			exact: "Inventory proof lies outside this run's scope: 2 items last seen by this run belong to another workspace or environment."},
		{name: "an item last seen in another environment", setup: withItemsIn(observed(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(3)}, nil)), otherEnvironment, 1),
			kind: nr, reason: reconcile.ReasonScopeMismatch, says: []string{"1 item last seen"}},
		{name: "scope is checked before a blocked reason", setup: withItemsIn(observed(inventoryCtx(threeTypes, obj{}, obj{"reason_code": "provider_connection_missing"})), otherWorkspace, 1),
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "scope is checked without any inventory context", setup: withItemsIn(observed(obj{}), otherEnvironment, 1),
			kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "a run without environment owns no items", setup: func(s scene) domain.Run {
			r := prooftest.InsertRun(s.t, s.b.pool, prooftest.Run{WS: s.b.w.WS, Type: s.typ, Context: inventoryCtx([]string{"deviceConfiguration"}, obj{"deviceConfiguration": ok(2)}, nil)})
			prooftest.Items(s.t, s.b.pool, s.b.w.WS, s.b.w.Env, r.ID, "deviceConfiguration", 2)
			return s.reread(r)
		}, kind: nr, reason: reconcile.ReasonScopeMismatch},
		{name: "claims without observations", setup: func(s scene) domain.Run {
			return s.run(inventoryCtx(threeTypes, obj{"deviceConfiguration": ok(40), "compliancePolicy": failedWith("graph_throttled")}, nil), nil)
		}, kind: nr, reason: reconcile.ReasonUnverified,
			exact: "The run claims 40 inventory items for its succeeded policy types, but 0 items last seen by this run were found in its scope."},
		{name: "observations of another run do not count", setup: func(s scene) domain.Run {
			other := s.run(obj{}, nil)
			prooftest.Items(s.t, s.b.pool, s.b.w.WS, s.b.w.Env, other.ID, "deviceConfiguration", 5)
			return s.run(inventoryCtx([]string{"deviceConfiguration"}, obj{"deviceConfiguration": ok(5)}, nil), nil)
		}, kind: nr, reason: reconcile.ReasonUnverified},
	}
	runFamily(t, domain.FamilyInventorySync, cases)
}
