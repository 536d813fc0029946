package http_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apiclient"
	rphttp "github.com/runproof/runproof/internal/http"
)

// surfaces: workspace ws with environments granted and hidden, another
// workspace, and in each place the artifacts of runs. Runs of ws in the
// granted environment and one in the hidden one were reconciled, so their
// decision records link their artifacts. Members of ws: owner, reader
// (readonly, every environment) and grant (operator, granted only), who
// owns the other workspace.
type surfaces struct {
	*fixture
	ws, other                         int64
	granted, hidden, otherEnv         int64
	baselineRun, backupRun, invRun    int64 // reconciled, in granted
	hiddenBaselineRun, hiddenInvRun   int64 // in hidden; the first reconciled
	otherRun                          int64 // of the other workspace, with items
	snapshot, hiddenSnapshot, otherWS int64 // otherWS: a snapshot of the other workspace
	set, hiddenSet, otherSet          int64
}

func setupSurfaces(t *testing.T) surfaces {
	t.Helper()
	f := setup(t)
	s := surfaces{fixture: f, ws: f.workspace("w"), other: f.workspace("other")}
	s.granted, s.hidden = f.environment(s.ws, "granted"), f.environment(s.ws, "hidden")
	s.otherEnv = f.environment(s.other, "elsewhere")
	f.member(s.ws, "owner", "owner")
	f.member(s.ws, "reader", "readonly")
	f.member(s.ws, "grant", "operator", s.granted)
	f.member(s.other, "grant", "owner")
	profile := f.id(`insert into baseline_profiles (workspace_id, name) values ($1, 'Security') returning id`, s.ws)
	otherProfile := f.id(`insert into baseline_profiles (workspace_id, name) values ($1, 'Security') returning id`, s.other)
	schedule := f.id(`insert into backup_schedules (workspace_id, managed_environment_id, name) values ($1, $2, 'Nightly') returning id`, s.ws, s.granted)
	otherSchedule := f.id(`insert into backup_schedules (workspace_id, managed_environment_id, name) values ($1, $2, 'Nightly') returning id`, s.other, s.otherEnv)

	s.baselineRun, s.snapshot = f.baselineRun(s.ws, s.granted, profile)
	s.hiddenBaselineRun, s.hiddenSnapshot = f.baselineRun(s.ws, s.hidden, profile)
	_, s.otherWS = f.baselineRun(s.other, s.otherEnv, otherProfile)
	s.backupRun, s.set = f.backupRun(s.ws, s.granted, schedule)
	_, s.otherSet = f.backupRun(s.other, s.otherEnv, otherSchedule)
	s.hiddenSet = f.id(`insert into backup_sets (workspace_id, managed_environment_id, status, item_count)
		values ($1, $2, 'completed', 1) returning id`, s.ws, s.hidden)
	f.backupItems(s.hiddenSet, "captured", "captured", 1)
	s.invRun = f.inventoryRun(s.ws, s.granted, 3)
	s.hiddenInvRun = f.inventoryRun(s.ws, s.hidden, 2)
	s.otherRun = f.inventoryRun(s.other, s.otherEnv, 2)
	for _, run := range []int64{s.baselineRun, s.hiddenBaselineRun, s.backupRun, s.invRun} {
		rec := ok(t, f.as("owner").reconcile(s.ws, run, apiclient.ReconcileRequest{})).JSON200.Reconciliation
		require.True(t, rec.Applied, rec.Explanation)
	}
	return s
}

// baselineRun inserts a stale baseline capture in (ws, env) and the snapshot
// it recorded and points at, which proves it succeeded.
func (f *fixture) baselineRun(ws, env, profile int64) (run, snapshot int64) {
	f.t.Helper()
	run = f.run(ws, runSpec{env: &env, typ: "baseline.capture", age: 3 * time.Hour})
	snapshot = f.id(`insert into baseline_snapshots (workspace_id, managed_environment_id, baseline_profile_id, operation_run_id, item_count, gap_count)
		values ($1, $2, $3, $4, 12, 0) returning id`, ws, env, profile, run)
	f.exec(`update operation_runs set context = jsonb_build_object('baseline_capture',
		jsonb_build_object('baseline_profile_id', $2::bigint, 'baseline_snapshot_id', $3::bigint, 'meta_fallback_count', 0)) where id = $1`,
		run, profile, snapshot)
	return run, snapshot
}

// backupRun inserts a stale backup run in (ws, env) and its set of 4
// expected items, 3 captured (one without assignments) and 1 failed.
func (f *fixture) backupRun(ws, env, schedule int64) (run, set int64) {
	f.t.Helper()
	run = f.run(ws, runSpec{env: &env, typ: "backup.schedule.execute", age: 3 * time.Hour})
	set = f.id(`insert into backup_sets (workspace_id, managed_environment_id, backup_schedule_id, operation_run_id, status, item_count)
		values ($1, $2, $3, $4, 'running', 4) returning id`, ws, env, schedule, run)
	f.backupItems(set, "captured", "captured", 2)
	f.backupItems(set, "captured", "missing", 1)
	f.exec(`insert into backup_items (backup_set_id, policy_type, external_id, status, assignments_status, error_code)
		values ($1, 'compliancePolicy', 'failed-1', 'failed', 'not_applicable', 'graph_throttled')`, set)
	f.exec(`update operation_runs set context = jsonb_build_object('backup_schedule_id', $2::bigint, 'backup_set_id', $3::bigint) where id = $1`,
		run, schedule, set)
	return run, set
}

// inventoryRun inserts a stale inventory run in (ws, env) whose one policy
// type succeeded with n items, and the n items it observed.
func (f *fixture) inventoryRun(ws, env int64, n int) int64 {
	f.t.Helper()
	run := f.run(ws, runSpec{env: &env, age: 3 * time.Hour, context: fmt.Sprintf(`{"inventory": {"attempted_types": ["deviceConfiguration"],
		"coverage": {"deviceConfiguration": {"status": "succeeded", "item_count": %d}}}}`, n)})
	f.inventoryItems(ws, env, run, "deviceConfiguration", n)
	return run
}

// backupItems inserts n items of set.
func (f *fixture) backupItems(set int64, status, assignments string, n int) {
	f.t.Helper()
	f.exec(`insert into backup_items (backup_set_id, policy_type, external_id, status, assignments_status)
		select $1, 'deviceConfiguration', gen_random_uuid()::text, $2, $3 from generate_series(1, $4::int)`, set, status, assignments, n)
}

// inventoryItems inserts n items of (ws, env), last seen by run (none for 0).
func (f *fixture) inventoryItems(ws, env, run int64, policyType string, n int) {
	f.t.Helper()
	f.exec(`insert into inventory_items (workspace_id, managed_environment_id, policy_type, external_id, display_name,
			last_seen_operation_run_id, last_seen_at)
		select $1, $2, $3, gen_random_uuid()::text, 'Item ' || g, nullif($4::bigint, 0), case when $4::bigint <> 0 then now() end
		from generate_series(1, $5::int) g`, ws, env, policyType, run, n)
}

func (c caller) snapshot(ws, id int64, edit ...apiclient.RequestEditorFn) *apiclient.GetBaselineSnapshotResponse {
	c.t.Helper()
	res, err := c.c.GetBaselineSnapshotWithResponse(c.t.Context(), ws, id, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) backupSet(ws, id int64, edit ...apiclient.RequestEditorFn) *apiclient.GetBackupSetResponse {
	c.t.Helper()
	res, err := c.c.GetBackupSetWithResponse(c.t.Context(), ws, id, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) backupItems(ws, id int64, params apiclient.ListBackupItemsParams, edit ...apiclient.RequestEditorFn) *apiclient.ListBackupItemsResponse {
	c.t.Helper()
	res, err := c.c.ListBackupItemsWithResponse(c.t.Context(), ws, id, &params, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) inventory(ws int64, params apiclient.ListInventoryItemsParams, edit ...apiclient.RequestEditorFn) *apiclient.ListInventoryItemsResponse {
	c.t.Helper()
	res, err := c.c.ListInventoryItemsWithResponse(c.t.Context(), ws, &params, edit...)
	require.NoError(c.t, err)
	return res
}

func (c caller) preview(ws int64, params apiclient.PreviewSweepParams, edit ...apiclient.RequestEditorFn) *apiclient.PreviewSweepResponse {
	c.t.Helper()
	res, err := c.c.PreviewSweepWithResponse(c.t.Context(), ws, &params, edit...)
	require.NoError(c.t, err)
	return res
}

func snapshotPath(ws, id int64) string {
	return fmt.Sprintf("/workspaces/%d/baseline-snapshots/%d", ws, id)
}
func setPath(ws, id int64) string { return fmt.Sprintf("/workspaces/%d/backup-sets/%d", ws, id) }

// inventoryIDs returns the item ids of a page, in order.
func inventoryIDs(page *apiclient.InventoryItemPage) []int64 {
	out := make([]int64, 0, len(page.Items))
	for _, it := range page.Items {
		out = append(out, it.Id)
	}
	return out
}

// itemsWhere returns the ids of the inventory items matching cond, in id
// order.
func (s surfaces) itemsWhere(cond string, arg int64) []int64 {
	s.t.Helper()
	rows, err := s.pool.Query(s.t.Context(), `select id from inventory_items where `+cond+` order by id`, arg)
	require.NoError(s.t, err)
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		require.NoError(s.t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(s.t, rows.Err())
	return ids
}

// Every route, for an owner, a readonly member and a member granted one
// environment: what each sees and how it links back to the runs.
func TestProofSurfacesForEachRole(t *testing.T) {
	s := setupSurfaces(t)
	granted := s.itemsWhere("managed_environment_id = $1", s.granted)
	hidden := s.itemsWhere("managed_environment_id = $1", s.hidden)
	for _, sub := range []string{"owner", "reader", "grant"} {
		c := s.as(sub)
		snap := ok(t, c.snapshot(s.ws, s.snapshot)).JSON200
		require.Equal(t, s.snapshot, snap.Id, sub)
		require.Equal(t, apiclient.Environment{Id: s.granted, Name: "granted"}, snap.Environment)
		require.Equal(t, "Security", snap.Profile.Name)
		require.Equal(t, 12, snap.ItemCount)
		require.Zero(t, snap.GapCount)
		require.Equal(t, apiclient.ArtifactRunLinks{
			Self:      snapshotPath(s.ws, s.snapshot),
			Operation: new(runPath(s.ws, s.baselineRun)),
			CitedBy:   []apiclient.RunRef{{Id: s.baselineRun, Href: runPath(s.ws, s.baselineRun)}},
		}, snap.Links, sub)

		set := ok(t, c.backupSet(s.ws, s.set)).JSON200
		require.Equal(t, apiclient.BackupCounts{Captured: 3, Failed: 1, AssignmentsMissing: 1, Other: 0}, set.Counts, sub)
		require.Equal(t, 4, set.ItemCount)
		require.Equal(t, apiclient.BackupSetStatusRunning, set.Status)
		require.NotNil(t, set.Schedule)
		require.Equal(t, "Nightly", set.Schedule.Name)
		require.True(t, set.Schedule.Enabled)
		require.Equal(t, apiclient.BackupSetLinks{
			Self:      setPath(s.ws, s.set),
			Operation: new(runPath(s.ws, s.backupRun)),
			CitedBy:   []apiclient.RunRef{{Id: s.backupRun, Href: runPath(s.ws, s.backupRun)}},
			Items:     setPath(s.ws, s.set) + "/items",
		}, set.Links, sub)

		items := ok(t, c.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{})).JSON200
		require.Len(t, items.Items, 4, sub)
		require.Nil(t, items.NextCursor)
		failed := ok(t, c.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{
			Status: new(apiclient.ListBackupItemsParamsStatusFailed)})).JSON200.Items
		require.Len(t, failed, 1)
		require.Equal(t, "graph_throttled", *failed[0].ErrorCode)
		require.Equal(t, "failed-1", failed[0].ExternalId)

		seen := ok(t, c.inventory(s.ws, apiclient.ListInventoryItemsParams{SeenByRun: &s.invRun})).JSON200
		require.Equal(t, granted, inventoryIDs(seen), sub)
		for _, it := range seen.Items {
			require.Equal(t, runPath(s.ws, s.invRun), *it.Links.Operation, "the item leads back to the run that saw it")
			require.Equal(t, "granted", it.Environment.Name)
			require.NotNil(t, it.LastSeenAt)
		}
		all := inventoryIDs(ok(t, c.inventory(s.ws, apiclient.ListInventoryItemsParams{})).JSON200)
		if sub == "grant" {
			require.Equal(t, granted, all, "a granted member lists its environments' items only")
		} else {
			require.Equal(t, slices.Sorted(slices.Values(append(slices.Clone(granted), hidden...))), all, sub)
			require.Equal(t, hidden, inventoryIDs(ok(t, c.inventory(s.ws, apiclient.ListInventoryItemsParams{Environment: &s.hidden})).JSON200))
			require.Equal(t, hidden, inventoryIDs(ok(t, c.inventory(s.ws, apiclient.ListInventoryItemsParams{SeenByRun: &s.hiddenInvRun})).JSON200))
			ok(t, c.snapshot(s.ws, s.hiddenSnapshot))
			ok(t, c.backupSet(s.ws, s.hiddenSet))
		}
		require.Equal(t, granted, inventoryIDs(ok(t, c.inventory(s.ws, apiclient.ListInventoryItemsParams{Environment: &s.granted})).JSON200))
		require.Empty(t, ok(t, c.inventory(s.ws, apiclient.ListInventoryItemsParams{PolicyType: new("compliancePolicy")})).JSON200.Items)

		// The one stale run left is in the hidden environment.
		p := ok(t, c.preview(s.ws, apiclient.PreviewSweepParams{})).JSON200
		if sub == "grant" {
			require.Zero(t, p.Considered)
			require.Empty(t, p.Rows)
			continue
		}
		require.Equal(t, 1, p.Considered, sub)
		require.Equal(t, []apiclient.PreviewRow{{Family: "inventory.sync", Decision: apiclient.PreviewRowDecisionFinalized,
			Outcome: apiclient.PreviewRowOutcomeSucceeded, ReasonCode: "inventory.complete", Count: 1, SampleRunIds: []int64{s.hiddenInvRun}}}, p.Rows)
	}
}

// Every hidden case of every new route answers byte for byte like a hidden
// run: status, headers and body. Hidden is: not a member, an unknown
// workspace, what belongs to another workspace, to an environment the member
// is not granted, or does not exist; nothing is written meanwhile.
func TestHiddenArtifactsAnswerIdentically404(t *testing.T) {
	s := setupSurfaces(t)
	unknownWS := s.other + 100
	unknown := s.otherSet + s.otherWS + s.otherRun + 1000
	sameID := withHeader("X-Request-Id", "same-id")
	grant, stranger := s.as("grant"), s.as("stranger")
	before := map[int64]string{}
	for _, run := range []int64{s.hiddenInvRun, s.otherRun, s.baselineRun} {
		before[run] = s.rowState(run)
	}
	hiddenRun := status(t, http.StatusNotFound, grant.getRun(s.ws, s.hiddenInvRun, apiclient.GetRunParams{}, sameID))

	type call func() (int, http.Header, []byte)
	answer := func(r answer, header http.Header) (int, http.Header, []byte) {
		return r.StatusCode(), header, r.GetBody()
	}
	snapshot := func(c caller, ws, id int64) call {
		return func() (int, http.Header, []byte) {
			r := c.snapshot(ws, id, sameID)
			return answer(r, r.HTTPResponse.Header)
		}
	}
	set := func(c caller, ws, id int64) call {
		return func() (int, http.Header, []byte) {
			r := c.backupSet(ws, id, sameID)
			return answer(r, r.HTTPResponse.Header)
		}
	}
	items := func(c caller, ws, id int64) call {
		return func() (int, http.Header, []byte) {
			r := c.backupItems(ws, id, apiclient.ListBackupItemsParams{}, sameID)
			return answer(r, r.HTTPResponse.Header)
		}
	}
	inventory := func(c caller, ws int64, p apiclient.ListInventoryItemsParams) call {
		return func() (int, http.Header, []byte) {
			r := c.inventory(ws, p, sameID)
			return answer(r, r.HTTPResponse.Header)
		}
	}
	preview := func(c caller, ws int64, p apiclient.PreviewSweepParams) call {
		return func() (int, http.Header, []byte) {
			r := c.preview(ws, p, sameID)
			return answer(r, r.HTTPResponse.Header)
		}
	}
	cases := map[string]call{
		"snapshot, non-member":                       snapshot(stranger, s.ws, s.snapshot),
		"snapshot, unknown workspace":                snapshot(grant, unknownWS, s.snapshot),
		"snapshot of another workspace":              snapshot(grant, s.ws, s.otherWS),
		"snapshot, ungranted environment":            snapshot(grant, s.ws, s.hiddenSnapshot),
		"snapshot, unknown id":                       snapshot(grant, s.ws, unknown),
		"set, non-member":                            set(stranger, s.ws, s.set),
		"set, unknown workspace":                     set(grant, unknownWS, s.set),
		"set of another workspace":                   set(grant, s.ws, s.otherSet),
		"set, ungranted environment":                 set(grant, s.ws, s.hiddenSet),
		"set, unknown id":                            set(grant, s.ws, unknown),
		"set items, non-member":                      items(stranger, s.ws, s.set),
		"set items, unknown workspace":               items(grant, unknownWS, s.set),
		"set items of another workspace":             items(grant, s.ws, s.otherSet),
		"set items, ungranted environment":           items(grant, s.ws, s.hiddenSet),
		"set items, unknown id":                      items(grant, s.ws, unknown),
		"inventory, non-member":                      inventory(stranger, s.ws, apiclient.ListInventoryItemsParams{}),
		"inventory, unknown workspace":               inventory(grant, unknownWS, apiclient.ListInventoryItemsParams{}),
		"inventory, another workspace's environment": inventory(grant, s.ws, apiclient.ListInventoryItemsParams{Environment: &s.otherEnv}),
		"inventory, ungranted environment":           inventory(grant, s.ws, apiclient.ListInventoryItemsParams{Environment: &s.hidden}),
		"inventory, unknown environment":             inventory(grant, s.ws, apiclient.ListInventoryItemsParams{Environment: &unknown}),
		"inventory, another workspace's run":         inventory(grant, s.ws, apiclient.ListInventoryItemsParams{SeenByRun: &s.otherRun}),
		"inventory, run of an ungranted environment": inventory(grant, s.ws, apiclient.ListInventoryItemsParams{SeenByRun: &s.hiddenInvRun}),
		"inventory, unknown run":                     inventory(grant, s.ws, apiclient.ListInventoryItemsParams{SeenByRun: &unknown}),
		"preview, non-member":                        preview(stranger, s.ws, apiclient.PreviewSweepParams{}),
		"preview, unknown workspace":                 preview(grant, unknownWS, apiclient.PreviewSweepParams{}),
		"preview, another workspace's environment":   preview(grant, s.ws, apiclient.PreviewSweepParams{Environment: &s.otherEnv}),
		"preview, ungranted environment":             preview(grant, s.ws, apiclient.PreviewSweepParams{Environment: &s.hidden}),
		"preview, unknown environment":               preview(grant, s.ws, apiclient.PreviewSweepParams{Environment: &unknown}),
		// Visibility comes before the role: readonly gets the same 404.
		"readonly, unknown snapshot": snapshot(s.as("reader"), s.ws, unknown),
	}
	for name, c := range cases {
		code, header, body := c()
		require.Equal(t, http.StatusNotFound, code, name)
		require.Equal(t, hiddenRun.HTTPResponse.Header, header, "%s: headers", name)
		require.Equal(t, string(hiddenRun.Body), string(body), "%s: body", name)
	}
	for run, state := range before {
		require.Equal(t, state, s.rowState(run), "run %d unchanged", run)
	}
	// What is hidden here exists: in its own workspace, grant opens it.
	ok(t, grant.snapshot(s.other, s.otherWS))
	ok(t, grant.backupSet(s.other, s.otherSet))
	require.NotEmpty(t, ok(t, grant.inventory(s.other, apiclient.ListInventoryItemsParams{SeenByRun: &s.otherRun, Environment: &s.otherEnv})).JSON200.Items)
	ok(t, grant.preview(s.other, apiclient.PreviewSweepParams{Environment: &s.otherEnv}))
}

// A run's related links (and its record's) lead where the caller can go:
// every href opens, and an artifact the caller cannot open (another
// environment's, or gone) is left out, for that caller only. Artifacts lead
// back to their runs the same way.
func TestRelatedLinksOnlyWhenOpenable(t *testing.T) {
	s := setupSurfaces(t)
	snapshot := apiclient.RelatedLink{Rel: apiclient.RelatedLinkRelBaselineSnapshot, Id: &s.snapshot, Href: snapshotPath(s.ws, s.snapshot)}
	set := apiclient.RelatedLink{Rel: apiclient.RelatedLinkRelBackupSet, Id: &s.set, Href: setPath(s.ws, s.set)}
	observed := apiclient.RelatedLink{Rel: apiclient.RelatedLinkRelInventoryItems,
		Href: fmt.Sprintf("/workspaces/%d/inventory-items?seen_by_run=%d", s.ws, s.invRun)}
	related := func(c caller, run int64) []apiclient.RelatedLink {
		t.Helper()
		got := ok(t, c.getRun(s.ws, run, apiclient.GetRunParams{})).JSON200
		var record []apiclient.RelatedLink
		if got.Reconciliation != nil {
			for _, l := range got.Reconciliation.Links {
				record = append(record, apiclient.RelatedLink{Rel: apiclient.RelatedLinkRel(l.Rel), Id: &l.Id, Href: l.Href})
			}
		}
		artifacts := slices.DeleteFunc(slices.Clone(got.Links.Related), func(l apiclient.RelatedLink) bool {
			return l.Rel == apiclient.RelatedLinkRelInventoryItems
		})
		require.Equal(t, artifacts, nonNil(record), "the record's links are the run's artifact links")
		return got.Links.Related
	}
	// opensAll follows every link the hub, the runs and the artifacts give c.
	opensAll := func(sub string) {
		t.Helper()
		tok := s.token(sub)
		open := func(href string) {
			t.Helper()
			require.Equal(t, http.StatusOK, s.get(href, tok).Code, "%s opens %s", sub, href)
		}
		for _, run := range ok(t, s.as(sub).listRuns(s.ws, apiclient.ListRunsParams{})).JSON200.Items {
			for _, l := range run.Links.Related {
				open(l.Href)
			}
			if run.Reconciliation != nil {
				for _, l := range run.Reconciliation.Links {
					open(l.Href)
				}
			}
		}
		for _, id := range []int64{s.snapshot, s.hiddenSnapshot} {
			if res := s.as(sub).snapshot(s.ws, id); res.JSON200 != nil {
				for _, r := range res.JSON200.Links.CitedBy {
					open(r.Href)
				}
				if op := res.JSON200.Links.Operation; op != nil {
					open(*op)
				}
			}
		}
	}

	for _, sub := range []string{"owner", "reader", "grant"} {
		c := s.as(sub)
		require.Equal(t, []apiclient.RelatedLink{snapshot}, related(c, s.baselineRun), sub)
		require.Equal(t, []apiclient.RelatedLink{set}, related(c, s.backupRun), sub)
		require.Equal(t, []apiclient.RelatedLink{observed}, related(c, s.invRun), sub)
		opensAll(sub)
		// The hub shows the same links as the detail.
		for _, run := range ok(t, c.listRuns(s.ws, apiclient.ListRunsParams{})).JSON200.Items {
			require.Equal(t, related(c, run.Id), run.Links.Related, "%s: run %d", sub, run.Id)
		}
	}
	require.Len(t, related(s.as("owner"), s.hiddenBaselineRun), 1)
	require.Empty(t, related(s.as("owner"), s.hiddenInvRun), "a run never reconciled links nothing")

	// The snapshot moves to the hidden environment and the set is deleted:
	// grant no longer gets a link to the snapshot, nobody to the set, and
	// the reconcile answer of a dry run shows no link to it either.
	s.exec(`update baseline_snapshots set managed_environment_id = $2 where id = $1`, s.snapshot, s.hidden)
	s.exec(`delete from backup_sets where id = $1`, s.set)
	require.Empty(t, related(s.as("grant"), s.baselineRun))
	require.Equal(t, []apiclient.RelatedLink{snapshot}, related(s.as("owner"), s.baselineRun))
	for _, sub := range []string{"owner", "reader", "grant"} {
		require.Empty(t, related(s.as(sub), s.backupRun), sub)
		opensAll(sub)
	}
	dry := ok(t, s.as("grant").reconcile(s.ws, s.baselineRun, apiclient.ReconcileRequest{DryRun: new(true)})).JSON200
	require.Equal(t, apiclient.ReconcileDecisionDecisionAlreadyTerminal, dry.Reconciliation.Decision)
	require.Empty(t, dry.Run.Links.Related)
	require.Empty(t, dry.Run.Reconciliation.Links)
}

// nonNil is links, or an empty list for none.
func nonNil[T any](links []T) []T {
	if links == nil {
		return []T{}
	}
	return links
}

// Item listings page in id order with no gaps or duplicates while new items
// arrive between pages: every item there at the start is listed once, and
// the items that arrive after the page they would fall on are listed too.
func TestItemListingsPageWithoutGapsOrDuplicatesWhileItemsArrive(t *testing.T) {
	s := setupSurfaces(t)
	s.backupItems(s.set, "captured", "captured", 19) // 23 in all
	s.inventoryItems(s.ws, s.granted, 0, "compliancePolicy", 10)
	s.inventoryItems(s.ws, s.hidden, 0, "compliancePolicy", 10)

	type page struct {
		ids  []int64
		next *string
	}
	const size = 4
	walk := func(name string, existing []int64, fetch func(cursor *string) page, arrive func()) {
		t.Helper()
		seen := map[int64]int{}
		var order []int64
		var cursor *string
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100, name)
			p := fetch(cursor)
			for _, id := range p.ids {
				seen[id]++
				order = append(order, id)
			}
			arrive()
			if p.next == nil {
				break
			}
			require.Len(t, p.ids, size, name)
			cursor = p.next
		}
		require.True(t, slices.IsSorted(order), "%s: in id order", name)
		for _, id := range existing {
			require.Equal(t, 1, seen[id], "%s: item %d listed once", name, id)
		}
		for id, n := range seen {
			require.Equal(t, 1, n, "%s: item %d listed once", name, id)
		}
		require.Greater(t, len(order), len(existing), "%s: items that arrived later are listed too", name)
	}

	existing := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, err := s.pool.Query(t.Context(), sql, args...)
		require.NoError(t, err)
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			ids = append(ids, id)
		}
		require.NoError(t, rows.Err())
		return ids
	}
	limit := new(size)
	walk("backup items", existing(`select id from backup_items where backup_set_id = $1`, s.set), func(cursor *string) page {
		p := ok(t, s.as("reader").backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Limit: limit, Cursor: cursor})).JSON200
		ids := make([]int64, len(p.Items))
		for i, it := range p.Items {
			ids[i] = it.Id
		}
		return page{ids, p.NextCursor}
	}, func() { s.backupItems(s.set, "pending", "not_applicable", 1) })

	for sub, envs := range map[string][]int64{"owner": {s.granted, s.hidden}, "grant": {s.granted}} {
		walk("inventory of "+sub, existing(`select id from inventory_items where managed_environment_id = any($1)`, envs), func(cursor *string) page {
			p := ok(t, s.as(sub).inventory(s.ws, apiclient.ListInventoryItemsParams{Limit: limit, Cursor: cursor})).JSON200
			for _, it := range p.Items {
				require.Contains(t, envs, it.Environment.Id, sub)
			}
			return page{inventoryIDs(p), p.NextCursor}
		}, func() {
			s.inventoryItems(s.ws, s.granted, 0, "appProtection", 1)
			s.inventoryItems(s.ws, s.hidden, 0, "appProtection", 1)
		})
	}
	// A run's items: those it saw last, including those it sees meanwhile.
	s.inventoryItems(s.ws, s.granted, s.invRun, "appProtection", 6)
	walk("seen by run", existing(`select id from inventory_items where last_seen_operation_run_id = $1`, s.invRun), func(cursor *string) page {
		p := ok(t, s.as("grant").inventory(s.ws, apiclient.ListInventoryItemsParams{SeenByRun: &s.invRun, Limit: limit, Cursor: cursor})).JSON200
		return page{inventoryIDs(p), p.NextCursor}
	}, func() { s.inventoryItems(s.ws, s.granted, s.invRun, "appProtection", 1) })
}

// Malformed ids and filters are a 400 naming each bad parameter; a forged
// cursor, one of another listing or of other filters is a 400 naming the
// cursor; never a 500, and nothing is written.
func TestProofSurfacesRejectBadInput(t *testing.T) {
	s := setupSurfaces(t)
	tok := s.token("owner")
	before := s.rowState(s.hiddenInvRun)
	w := "/workspaces/" + itoa(s.ws)
	cases := map[string][]string{
		"/workspaces/abc/baseline-snapshots/1":                         {"ws"},
		w + "/baseline-snapshots/0":                                    {"id"},
		"/workspaces/0/baseline-snapshots/x":                           {"ws", "id"},
		w + "/backup-sets/007":                                         {"id"},
		w + "/backup-sets/-1/items":                                    {"id"},
		"/workspaces/1e3/backup-sets/1/items":                          {"ws"},
		w + "/inventory-items?environment=abc":                         {"environment"},
		w + "/inventory-items?seen_by_run=0":                           {"seen_by_run"},
		w + "/inventory-items?policy_type=" + strings.Repeat("x", 201): {"policy_type"},
		w + "/inventory-items?policy_type=a%00b":                       {"policy_type"},
		w + "/inventory-items?limit=0&seen_by_run=-2&environment=1.5":  {"limit", "seen_by_run", "environment"},
		w + "/inventory-items?cursor=%zz":                              {"query"},
		w + "/backup-sets/" + itoa(s.set) + "/items?status=done":       {"status"},
		w + "/backup-sets/" + itoa(s.set) + "/items?limit=201":         {"limit"},
		w + "/backup-sets/" + itoa(s.set) + "/items?limit=1&limit=2":   {"limit"},
		w + "/reconciliation/preview?environment=x":                    {"environment"},
		w + "/reconciliation/preview?type=" + strings.Repeat("x", 201): {"type"},
		w + "/reconciliation/preview?type=%FE&environment=0":           {"type", "environment"},
		"/workspaces/-1/reconciliation/preview":                        {"ws"},
		"/workspaces/x/inventory-items":                                {"ws"},
	}
	for path, fields := range cases {
		res := s.get(path, tok)
		require.Equal(t, http.StatusBadRequest, res.Code, path)
		require.ElementsMatch(t, fields, problemFields(t, res), path)
	}

	// Cursors.
	owner := s.as("owner")
	s.backupItems(s.set, "captured", "captured", 3)
	items := ok(t, owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Limit: new(1)})).JSON200
	itemsCursor := *items.NextCursor
	inv := ok(t, owner.inventory(s.ws, apiclient.ListInventoryItemsParams{Limit: new(1)})).JSON200
	invCursor := *inv.NextCursor
	hub := ok(t, owner.listRuns(s.ws, apiclient.ListRunsParams{Limit: new(1)})).JSON200
	ok(t, owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Limit: new(1), Cursor: &itemsCursor}))
	ok(t, owner.inventory(s.ws, apiclient.ListInventoryItemsParams{Limit: new(1), Cursor: &invCursor}))
	forged := rphttp.SealHubCursor([]byte("another secret, another secret!!"), s.ws, time.Unix(0, 0), 1)
	captured := new(apiclient.ListBackupItemsParamsStatusCaptured)
	for name, res := range map[string]answer{
		"items: hub cursor":           owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Cursor: hub.NextCursor}),
		"items: inventory cursor":     owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Cursor: &invCursor}),
		"items: other filters":        owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Status: captured, Cursor: &itemsCursor}),
		"items: other set":            owner.backupItems(s.ws, s.hiddenSet, apiclient.ListBackupItemsParams{Cursor: &itemsCursor}),
		"items: forged":               owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Cursor: &forged}),
		"items: garbage":              owner.backupItems(s.ws, s.set, apiclient.ListBackupItemsParams{Cursor: new("!!!")}),
		"inventory: items cursor":     owner.inventory(s.ws, apiclient.ListInventoryItemsParams{Cursor: &itemsCursor}),
		"inventory: hub cursor":       owner.inventory(s.ws, apiclient.ListInventoryItemsParams{Cursor: hub.NextCursor}),
		"inventory: filter added":     owner.inventory(s.ws, apiclient.ListInventoryItemsParams{Environment: &s.granted, Cursor: &invCursor}),
		"inventory: other workspace":  owner.inventory(s.other, apiclient.ListInventoryItemsParams{Cursor: &invCursor}),
		"inventory: truncated cursor": owner.inventory(s.ws, apiclient.ListInventoryItemsParams{Cursor: new(invCursor[:len(invCursor)-2])}),
		"hub: items cursor":           owner.listRuns(s.ws, apiclient.ListRunsParams{Cursor: &itemsCursor}),
	} {
		require.Equal(t, http.StatusBadRequest, res.StatusCode(), "%s: %s", name, res.GetBody())
		require.Contains(t, string(res.GetBody()), `"field":"cursor"`, name)
	}
	require.Equal(t, before, s.rowState(s.hiddenInvRun), "nothing was written")
}

// The families endpoint names the routes each family's proof links lead to,
// and they are the routes the links take.
func TestFamiliesListTheirArtifactRoutes(t *testing.T) {
	s := setupSurfaces(t)
	routes := map[string][]apiclient.ArtifactRoute{}
	for _, fam := range ok(t, s.as("reader").families(s.ws)).JSON200.Families {
		routes[fam.Family] = fam.ArtifactRoutes
		if !fam.Supported {
			require.Empty(t, fam.ArtifactRoutes, fam.Family)
		}
	}
	require.Equal(t, map[string][]apiclient.ArtifactRoute{
		"inventory.sync":          {{Rel: apiclient.ArtifactRouteRelInventoryItems, Route: "/workspaces/{ws}/inventory-items?seen_by_run={run}"}},
		"baseline.capture":        {{Rel: apiclient.ArtifactRouteRelBaselineSnapshot, Route: "/workspaces/{ws}/baseline-snapshots/{id}"}},
		"backup.schedule.execute": {{Rel: apiclient.ArtifactRouteRelBackupSet, Route: "/workspaces/{ws}/backup-sets/{id}"}},
	}, map[string][]apiclient.ArtifactRoute{
		"inventory.sync": routes["inventory.sync"], "baseline.capture": routes["baseline.capture"],
		"backup.schedule.execute": routes["backup.schedule.execute"],
	})
	for run, route := range map[int64]apiclient.ArtifactRoute{s.invRun: routes["inventory.sync"][0],
		s.baselineRun: routes["baseline.capture"][0], s.backupRun: routes["backup.schedule.execute"][0]} {
		l := ok(t, s.as("reader").getRun(s.ws, run, apiclient.GetRunParams{})).JSON200.Links.Related[0]
		want := strings.NewReplacer("{ws}", itoa(s.ws), "{run}", itoa(run)).Replace(route.Route)
		if l.Id != nil {
			want = strings.ReplaceAll(want, "{id}", itoa(*l.Id))
		}
		require.Equal(t, string(route.Rel), string(l.Rel))
		require.Equal(t, want, l.Href)
	}
}
