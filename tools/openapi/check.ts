// What a frontend gets from api/openapi.yaml through openapi-typescript:
// every field of a run, its decision record, its proof and failures, a
// reconcile answer, a family rule, the proof surfaces and the sweep preview,
// each with the exact type it must have.
// `make check-openapi` compiles this with --strict and
// --noUncheckedIndexedAccess; a field that comes out as never, unknown, any,
// a bare object or with the wrong nullability fails the compile.
import type { components, operations } from "./gen/api";

type Schemas = components["schemas"];

// Equal is true only when A and B are the same type: never, unknown and any
// each equal only themselves, and `string | null` is not `string`.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type Outcome = "pending" | "succeeded" | "partially_succeeded" | "blocked" | "failed" | "cancelled";
type Terminal = "succeeded" | "partially_succeeded" | "blocked" | "failed";
type Link = { rel: "baseline_snapshot" | "backup_set"; id: number; href: string };
type Related = { rel: "baseline_snapshot" | "backup_set" | "inventory_items"; id?: number; href: string };

type Run = Schemas["Run"];
type RunChecks = [
  Expect<Equal<keyof Run, "id" | "workspace_id" | "environment" | "type" | "status" | "outcome" | "outcome_label"
    | "stale" | "summary" | "explanation" | "reason_code" | "next_action" | "links" | "created_at" | "started_at"
    | "last_heartbeat_at" | "completed_at" | "reconciliation" | "context" | "failures">>,
  Expect<Equal<Run["id"], number>>,
  Expect<Equal<Run["workspace_id"], number>>,
  Expect<Equal<Run["environment"], { id: number; name: string } | null>>,
  Expect<Equal<Run["type"], string>>,
  Expect<Equal<Run["status"], "queued" | "running" | "completed">>,
  Expect<Equal<Run["outcome"], Outcome>>,
  Expect<Equal<Run["outcome_label"], "Pending" | "Succeeded" | "Partially succeeded" | "Blocked" | "Failed" | "Cancelled">>,
  Expect<Equal<Run["stale"], boolean>>,
  Expect<Equal<Run["summary"], string>>,
  Expect<Equal<Run["explanation"], string | null>>,
  Expect<Equal<Run["reason_code"], string | null>>,
  Expect<Equal<Run["next_action"], { label: string; href: string } | null>>,
  Expect<Equal<Run["links"], { self: string; related: Related[] }>>,
  Expect<Equal<Run["created_at"], string>>,
  Expect<Equal<Run["started_at"], string | null>>,
  Expect<Equal<Run["last_heartbeat_at"], string | null>>,
  Expect<Equal<Run["completed_at"], string | null>>,
  // context alone is free-form: each family's job writes its own keys.
  Expect<Equal<Run["context"], { [key: string]: unknown } | undefined>>,
  Expect<Equal<Run["failures"], { code: string | null; message: string | null }[] | undefined>>,
];

type DecisionRecord = NonNullable<Run["reconciliation"]>;
type RecordChecks = [
  Expect<Equal<Run["reconciliation"], DecisionRecord | null>>,
  Expect<Equal<keyof DecisionRecord, "decision" | "outcome" | "reason_code" | "explanation" | "proof" | "links"
    | "source" | "actor" | "adapter" | "previous_status" | "reconciled_at" | "note">>,
  Expect<Equal<DecisionRecord["decision"], "finalized">>,
  Expect<Equal<DecisionRecord["outcome"], Terminal>>,
  Expect<Equal<DecisionRecord["reason_code"], string>>,
  Expect<Equal<DecisionRecord["explanation"], string>>,
  Expect<Equal<DecisionRecord["proof"], Proof>>,
  Expect<Equal<DecisionRecord["links"], Link[]>>,
  Expect<Equal<DecisionRecord["source"], "manual" | "sweep">>,
  Expect<Equal<DecisionRecord["actor"], string>>,
  Expect<Equal<DecisionRecord["adapter"], "inventory.sync/v1" | "baseline.capture/v1" | "backup.schedule.execute/v1" | "generic/v1">>,
  Expect<Equal<DecisionRecord["previous_status"], "queued" | "running">>,
  Expect<Equal<DecisionRecord["reconciled_at"], string>>,
  Expect<Equal<DecisionRecord["note"], string | undefined>>,
];

type Proof = Schemas["Proof"];
type Count = number | undefined;
type ProofChecks = [
  Expect<Equal<Required<Proof>, {
    // inventory.sync
    attempted: number; succeeded: number; failed: number; skipped: number; blocked: number; not_reached: number;
    items_claimed: number; items_observed: number; items_out_of_scope: number; blocked_reason: string;
    // baseline.capture (candidates, out_of_scope and failures also for backups)
    candidates: number; out_of_scope: number; failures: number; meta_fallback_count: number; gaps: number;
    baseline_profile_id: number; snapshot_pointer: number; snapshot_id: number; item_count: number;
    // backup.schedule.execute
    expected: number; captured: number; assignments_missing: number; backup_set_id: number;
    set_status: "pending" | "running" | "completed" | "failed"; backup_schedule_id: number; set_pointer: number;
    skip_reason: string;
    // not_stale
    age_seconds: number; stale_after_seconds: number;
  }>>,
  Expect<Equal<Proof["attempted"], Count>>,
  Expect<Equal<Proof["blocked_reason"], string | undefined>>,
  Expect<Equal<Proof["set_status"], "pending" | "running" | "completed" | "failed" | undefined>>,
];

type Decision = Schemas["ReconcileDecision"];
type ReconcileChecks = [
  Expect<Equal<operations["reconcileRun"]["responses"][200]["content"]["application/json"], Schemas["ReconcileResponse"]>>,
  Expect<Equal<Schemas["ReconcileResponse"], { run: Run; reconciliation: Decision }>>,
  Expect<Equal<keyof Decision, "decision" | "outcome" | "reason_code" | "explanation" | "proof" | "links" | "applied" | "dry_run">>,
  Expect<Equal<Decision["decision"], "finalized" | "not_reconciled" | "already_terminal" | "unsupported_family" | "not_stale">>,
  Expect<Equal<Decision["outcome"], Exclude<Outcome, "pending"> | null>>,
  Expect<Equal<Decision["proof"], Proof>>,
  Expect<Equal<Decision["links"], Link[]>>,
  Expect<Equal<Decision["applied"], boolean>>,
];

type Rule = Schemas["FamilyRule"];
type FamilyChecks = [
  Expect<Equal<Rule, { decision: "finalized" | "not_reconciled"; outcome: Terminal | null; rule: string }>>,
  Expect<Equal<Schemas["Family"]["adapter"], string | null>>,
  Expect<Equal<Schemas["Family"]["artifact_routes"], { rel: Related["rel"]; route: string }[]>>,
  Expect<Equal<Schemas["HubPage"], { items: Run[]; next_cursor: string | null }>>,
  Expect<Equal<operations["openapi"]["responses"][200]["content"]["application/yaml"], string>>,
];

type Environment = { id: number; name: string };
type RunRef = { id: number; href: string };
type ArtifactLinks = { self: string; operation: string | null; cited_by: RunRef[] };
type SurfaceChecks = [
  Expect<Equal<Schemas["BaselineSnapshot"], {
    id: number; environment: Environment; profile: { id: number; name: string }; item_count: number; gap_count: number;
    created_at: string; links: ArtifactLinks;
  }>>,
  Expect<Equal<Schemas["BackupSet"], {
    id: number; environment: Environment; schedule: { id: number; name: string; enabled: boolean } | null;
    status: "pending" | "running" | "completed" | "failed"; item_count: number;
    counts: { captured: number; failed: number; assignments_missing: number; other: number };
    created_at: string; links: { self: string; operation: string | null; cited_by: RunRef[]; items: string };
  }>>,
  Expect<Equal<Schemas["BackupItemPage"], {
    items: {
      id: number; policy_type: string; external_id: string; status: "pending" | "captured" | "failed" | "skipped";
      assignments_status: "not_applicable" | "captured" | "missing" | "failed"; error_code: string | null;
    }[];
    next_cursor: string | null;
  }>>,
  Expect<Equal<Schemas["InventoryItemPage"], {
    items: {
      id: number; environment: Environment; policy_type: string; external_id: string; display_name: string | null;
      last_seen_at: string | null; links: { operation: string | null };
    }[];
    next_cursor: string | null;
  }>>,
  Expect<Equal<Schemas["SweepPreview"], {
    considered: number; truncated: boolean; judged_at: string;
    rows: {
      family: string; decision: "finalized" | "not_reconciled" | "unsupported_family"; outcome: Terminal;
      reason_code: string; count: number; sample_run_ids: number[];
    }[];
  }>>,
];

// Reading a run as a frontend would: every value has its type, null is
// handled where the document says it can occur.
export function describeRun(run: Run): string {
  const parts: string[] = [run.summary, run.environment?.name ?? "no environment"];
  const rec = run.reconciliation;
  if (rec !== null) {
    const actor: string = rec.actor;
    const at: Date = new Date(rec.reconciled_at);
    const captured: number = rec.proof.captured ?? 0;
    const expected: number = rec.proof.expected ?? 0;
    parts.push(`${rec.outcome} by ${actor} (${rec.source}) at ${at.toISOString()}: ${captured}/${expected}`);
    for (const link of rec.links) {
      parts.push(`${link.rel} ${link.id.toFixed(0)}`);
    }
  }
  for (const failure of run.failures ?? []) {
    parts.push(failure.code ?? failure.message ?? "unknown failure");
  }
  const first = run.links.related[0];
  if (first !== undefined) {
    parts.push(`${first.rel} ${first.id?.toFixed(0) ?? "listing"} at ${first.href}`);
  }
  return parts.join(" · ");
}

export type Checks = [RunChecks, RecordChecks, ProofChecks, ReconcileChecks, FamilyChecks, SurfaceChecks];
