// Package wordingtest checks operator sentences in tests: that a run's
// summary and its explanation show the same figures.
package wordingtest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Figures returns the figures of a hub summary, the comma-separated parts
// after its last " · ": "48 items", "no gaps".
func Figures(summary string) []string {
	i := strings.LastIndex(summary, " · ")
	if i < 0 {
		return nil
	}
	return strings.Split(summary[i+len(" · "):], ", ")
}

// none matches a zero written as a word, "no gaps", so that it compares
// with "0 gaps".
var none = regexp.MustCompile(`\bno ([a-z])`)

// leading splits a figure into its number and the thing counted.
var leading = regexp.MustCompile(`^([0-9]+) (.+)$`)

// RequireSameFigures fails t unless summary shows figures and every one of
// them appears in explanation as it is (a zero word standing for 0), and no
// other number of the same thing does: the two never contradict.
func RequireSameFigures(t testing.TB, summary, explanation string) {
	t.Helper()
	figures := Figures(summary)
	require.NotEmpty(t, figures, "summary %q shows no figures", summary)
	e := none.ReplaceAllString(explanation, "0 $1")
	for _, f := range figures {
		f = none.ReplaceAllString(f, "0 $1")
		require.Regexp(t, `(^|[^0-9])`+regexp.QuoteMeta(f)+`\b`, e, "figure %q of summary %q is not in explanation %q", f, summary, explanation)
		m := leading.FindStringSubmatch(f)
		if m == nil {
			continue
		}
		same := regexp.MustCompile(`(^|[^0-9])([0-9]+) ` + regexp.QuoteMeta(m[2]))
		for _, got := range same.FindAllStringSubmatch(e, -1) {
			require.Equal(t, m[1], got[2], "summary %q says %q, explanation %q says %q", summary, f, explanation, got[0])
		}
	}
}
