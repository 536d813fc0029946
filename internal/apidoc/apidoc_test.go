package apidoc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/runproof/runproof/internal/apidoc"
)

// The checked-in api/openapi.yaml is what `make openapi` makes from the
// handlers now: change an annotation and forget to regenerate, and this fails.
func TestCheckedInDocumentIsCurrent(t *testing.T) {
	t.Parallel()
	fresh, err := apidoc.Generate("../..")
	require.NoError(t, err)
	onDisk, err := os.ReadFile("../../api/openapi.yaml")
	require.NoError(t, err)
	require.Equal(t, string(fresh), string(onDisk), "api/openapi.yaml is stale: run `make openapi`")
}

// The checked-in Go client is what `make openapi` makes from the checked-in
// document, with the oapi-codegen the Makefile pins.
func TestCheckedInClientIsCurrent(t *testing.T) {
	t.Parallel()
	makefile, err := os.ReadFile("../../Makefile")
	require.NoError(t, err)
	pin := regexp.MustCompile(`(?m)^OAPI_CODEGEN := (\S+@v[0-9.]+)$`).FindSubmatch(makefile)
	require.NotNil(t, pin, "the Makefile pins OAPI_CODEGEN")
	fresh := filepath.Join(t.TempDir(), "client.gen.go")
	cmd := exec.CommandContext(t.Context(), "go", "run", string(pin[1]), "-config", "internal/apiclient/oapi-codegen.yaml", "-o", fresh, "api/openapi.yaml")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	want, err := os.ReadFile(fresh)
	require.NoError(t, err)
	onDisk, err := os.ReadFile("../../internal/apiclient/client.gen.go")
	require.NoError(t, err)
	require.Equal(t, string(want), string(onDisk), "internal/apiclient is stale: run `make openapi`")
}

// The document holds responses to what the server sends, strictly: null only
// where a schema with a type says nullable (and, for enums, lists null),
// no key an object does not declare, except in the one free-form context.
func TestDocumentIsStrict(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromFile("../../api/openapi.yaml")
	require.NoError(t, err)
	require.NoError(t, doc.Validate(t.Context()))
	freeForm := 0
	for name, ref := range doc.Components.Schemas {
		var check func(s *openapi3.Schema, at string)
		check = func(s *openapi3.Schema, at string) {
			if s.Nullable {
				require.NotEmpty(t, s.Type.Slice(), "%s: nullable without a type means nothing in OpenAPI 3.0.3", at)
				if len(s.Enum) > 0 {
					require.Contains(t, s.Enum, nil, "%s: a nullable enum lists null", at)
				}
			}
			if s.Type.Is(openapi3.TypeObject) {
				require.NotNil(t, s.AdditionalProperties.Has, "%s says whether other keys may appear", at)
				if *s.AdditionalProperties.Has {
					freeForm++
					require.Empty(t, s.Properties, at)
					require.NotEmpty(t, s.Description, "%s says why it is free-form", at)
				}
			}
			for prop, p := range s.Properties {
				if p.Ref == "" {
					check(p.Value, at+"."+prop)
				}
			}
			if s.Items != nil && s.Items.Ref == "" {
				check(s.Items.Value, at+"[]")
			}
		}
		check(ref.Value, name)
	}
	require.Equal(t, 1, freeForm, "only Run.context is free-form")

	run := func(change func(map[string]any)) map[string]any {
		r := map[string]any{"id": 5, "workspace_id": 1, "environment": nil, "type": "inventory.sync",
			"status": "running", "outcome": "pending", "outcome_label": "Pending", "stale": false,
			"summary": "s", "explanation": nil, "reason_code": nil, "next_action": nil,
			"links":      map[string]any{"self": "/workspaces/1/operations/5", "related": []any{}},
			"created_at": "2026-12-01T10:00:00Z", "started_at": nil, "last_heartbeat_at": nil,
			"completed_at": nil, "reconciliation": nil}
		if change != nil {
			change(r)
		}
		return r
	}
	schema := doc.Components.Schemas["Run"].Value
	require.NoError(t, schema.VisitJSON(run(nil)))
	require.NoError(t, schema.VisitJSON(run(func(r map[string]any) {
		r["environment"] = map[string]any{"id": 2, "name": "Contoso"}
		r["context"] = map[string]any{"anything": []any{1, "x"}}
		r["failures"] = []any{map[string]any{"code": nil, "message": "m"}}
	})))
	for name, change := range map[string]func(map[string]any){
		"unknown field":              func(r map[string]any) { r["surprise"] = 1 },
		"unknown field in a nested":  func(r map[string]any) { r["environment"] = map[string]any{"id": 2, "name": "x", "tenant": "t"} },
		"missing required":           func(r map[string]any) { delete(r, "next_action") },
		"null where not nullable":    func(r map[string]any) { r["summary"] = nil },
		"untyped decision record":    func(r map[string]any) { r["reconciliation"] = map[string]any{} },
		"proof figure of a bad type": func(r map[string]any) { r["reconciliation"] = record(map[string]any{"attempted": "12"}) },
		"unknown proof figure":       func(r map[string]any) { r["reconciliation"] = record(map[string]any{"guessed": 1}) },
		"failure item with more":     func(r map[string]any) { r["failures"] = []any{map[string]any{"code": "c", "message": "m", "at": 1}} },
	} {
		require.Error(t, schema.VisitJSON(run(change)), name)
	}
	require.NoError(t, schema.VisitJSON(run(func(r map[string]any) {
		r["reconciliation"] = record(map[string]any{"attempted": 12, "blocked_reason": "x"})
	})))
}

// record is a decision record holding proof.
func record(proof map[string]any) map[string]any {
	return map[string]any{"decision": "finalized", "outcome": "failed", "reason_code": "run.stale", "explanation": "e",
		"proof": proof, "links": []any{}, "source": "sweep", "actor": "system", "adapter": "generic/v1",
		"previous_status": "running", "reconciled_at": "2026-12-01T10:00:00Z"}
}
