package main

import (
	"strings"
	"testing"
)

func TestParseSweepReadsBothRates(t *testing.T) {
	out := `goos: linux
BenchmarkSweep-2   	       1	1343557771 ns/op	     14738 floor-runs/s	        14.03 peak-heap-MiB	         0.3012 ratio	      4439 sweep-runs/s
--- BENCH: BenchmarkSweep-2
PASS
`
	got, err := parseSweep(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got != (sweepResult{sweep: 4439, floor: 14738}) {
		t.Fatalf("parseSweep = %+v, want sweep 4439 and floor 14738", got)
	}
}

func TestParseSweepRejectsOutputWithoutRates(t *testing.T) {
	for _, out := range []string{
		"PASS\nok  \tgithub.com/runproof/runproof/internal/app\t1.0s\n",
		"BenchmarkSweep-2   \t       1\t1343557771 ns/op\t0.3 ratio\n",
	} {
		if got, err := parseSweep(strings.NewReader(out)); err == nil {
			t.Errorf("parseSweep(%q) = %+v, want an error", out, got)
		}
	}
}
