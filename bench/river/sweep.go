package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// sweepResult is one run of runproof's BenchmarkSweep: its sweep and, in the
// same run, the raw batched UPDATE floor, in rows per second.
type sweepResult struct {
	sweep, floor float64
}

// runSweep runs runproof's sweep benchmark once from the repository at repo,
// passing its output on to log, and reads the two rates it reports.
func runSweep(ctx context.Context, repo string, log io.Writer) (sweepResult, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^$", "-bench", "^BenchmarkSweep$",
		"-benchtime=1x", "-timeout", "30m", "./internal/app/")
	cmd.Dir = repo
	cmd.Env = os.Environ()
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, log)
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return sweepResult{}, fmt.Errorf("runproof's sweep benchmark: %w", err)
	}
	return parseSweep(&out)
}

// parseSweep reads the BenchmarkSweep result line of `go test -bench`
// output: "BenchmarkSweep-2  1  <ns> ns/op  <v> sweep-runs/s  <v> floor-runs/s ...".
func parseSweep(r io.Reader) (sweepResult, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "BenchmarkSweep") {
			continue
		}
		metrics := map[string]float64{}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return sweepResult{}, fmt.Errorf("BenchmarkSweep metric %q: %w", fields[i+1], err)
			}
			metrics[fields[i+1]] = v
		}
		res := sweepResult{sweep: metrics["sweep-runs/s"], floor: metrics["floor-runs/s"]}
		if res.sweep <= 0 || res.floor <= 0 {
			return sweepResult{}, fmt.Errorf("BenchmarkSweep reported no sweep-runs/s or floor-runs/s: %q", sc.Text())
		}
		return res, nil
	}
	if err := sc.Err(); err != nil {
		return sweepResult{}, err
	}
	return sweepResult{}, fmt.Errorf("no BenchmarkSweep result line in the benchmark's output")
}
