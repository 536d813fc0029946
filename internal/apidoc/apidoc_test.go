package apidoc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

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
	cmd := exec.Command("go", "run", string(pin[1]), "-config", "internal/apiclient/oapi-codegen.yaml", "-o", fresh, "api/openapi.yaml")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	want, err := os.ReadFile(fresh)
	require.NoError(t, err)
	onDisk, err := os.ReadFile("../../internal/apiclient/client.gen.go")
	require.NoError(t, err)
	require.Equal(t, string(want), string(onDisk), "internal/apiclient is stale: run `make openapi`")
}
