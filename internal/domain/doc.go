// Package domain is runproof's shared vocabulary: runs, their status and
// outcome, families, staleness and decisions. Every layer speaks it; it
// imports nothing of runproof's and nothing of a database driver.
package domain
