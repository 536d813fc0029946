package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// clockTick is USER_HZ, the unit of utime and stime in /proc/*/stat on Linux.
const clockTick = 100

// cpuTime is the user+system CPU a process has used, from /proc/pid/stat.
func cpuTime(pid string) time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0
	}
	s := string(b)
	// Fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTick
}

// postgresCPU is the CPU used so far by the PostgreSQL backends serving
// database db (the servers' pools keep theirs open for the whole run).
func postgresCPU(ctx context.Context, pool *pgxpool.Pool, db string) time.Duration {
	rows, err := pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = $1`, db)
	if err != nil {
		return 0
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			total += cpuTime(strconv.Itoa(pid))
		}
	}
	return total
}

// cpuSample is the CPU used so far by the server, PostgreSQL and this
// process (the load generator).
type cpuSample struct{ server, postgres, client time.Duration }

func sampleCPU(ctx context.Context, s *server, pool *pgxpool.Pool, db string) cpuSample {
	return cpuSample{
		server:   cpuTime(strconv.Itoa(s.cmd.Process.Pid)),
		postgres: postgresCPU(ctx, pool, db),
		client:   cpuTime("self"),
	}
}

// perRequest spreads the CPU used between two samples over n requests.
func (c cpuSample) perRequest(before cpuSample, n int) cpuSample {
	if n == 0 {
		return cpuSample{}
	}
	return cpuSample{
		server:   (c.server - before.server) / time.Duration(n),
		postgres: (c.postgres - before.postgres) / time.Duration(n),
		client:   (c.client - before.client) / time.Duration(n),
	}
}
