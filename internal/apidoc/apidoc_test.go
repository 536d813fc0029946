package apidoc_test

import (
	"os"
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
