#!/usr/bin/env bash
# Prints a DATABASE_URL for development and tests, starting PostgreSQL if needed:
#   1. DATABASE_URL when it is set;
#   2. otherwise a private cluster of this checkout, started from the local
#      PostgreSQL binaries (installed with apt-get when missing and we are root);
#   3. otherwise a server already answering on 127.0.0.1:5432.
# Everything it says goes to stderr; stdout is only the URL.
set -euo pipefail

if [[ -n "${DATABASE_URL:-}" && "${1:-}" != stop ]]; then
	echo "$DATABASE_URL"
	exit 0
fi

say() { echo "pg.sh: $*" >&2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dbname=${RUNPROOF_DB:-runproof}

find_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin /usr/local/opt/postgresql*/bin /opt/homebrew/opt/postgresql*/bin 2>/dev/null | sort -V -r); do
		[[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return; }
	done
	if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		dirname "$(command -v initdb)"
	fi
}

bindir=$(find_bindir)
if [[ -z "$bindir" && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
	say "installing PostgreSQL from Debian packages (one time)"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
	bindir=$(find_bindir)
fi

if [[ -z "$bindir" ]]; then
	if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
		say "no local PostgreSQL binaries; using the server on 127.0.0.1:5432"
		echo "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
		exit 0
	fi
	say "no PostgreSQL found. Install it (Debian/Ubuntu: apt-get install postgresql;"
	say "macOS: brew install postgresql@16) or set DATABASE_URL to a server you can use."
	exit 1
fi

# initdb refuses to run as root: run the cluster as the postgres user, in a
# folder that user can reach wherever this checkout lives.
as_owner=()
key=$(printf '%s' "$root" | cksum | cut -d' ' -f1)
if [[ $(id -u) == 0 ]]; then
	id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
	as_owner=(runuser -u postgres --)
	data=${RUNPROOF_PGDATA:-/tmp/runproof-pg-$key}
else
	data=${RUNPROOF_PGDATA:-$root/.pgdata}
fi
port_file="$data/runproof.port"

if [[ "${1:-}" == stop ]]; then
	[[ -f "$data/PG_VERSION" ]] && "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m fast stop >&2 || say "not running"
	exit 0
fi

running() { [[ -f "$port_file" ]] && "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if ! running; then
	if [[ ! -f "$data/PG_VERSION" ]]; then
		say "creating a private PostgreSQL cluster in $data"
		mkdir -p "$data"
		[[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$data"
		chmod 700 "$data"
		"${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
	fi
	# A free port near one derived from the checkout, so two checkouts coexist.
	port=$((20000 + key % 20000))
	while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
	"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$data' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null || { say "PostgreSQL did not start; see $data/server.log"; tail -20 "$data/server.log" >&2; exit 1; }
	echo "$port" | "${as_owner[@]}" tee "$port_file" >/dev/null
	say "PostgreSQL is running on 127.0.0.1:$port (stop: make db-stop)"
fi
port=$(cat "$port_file")

if ! "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_database where datname='$dbname'" | grep -q 1; then
	"$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database \"$dbname\"" >&2
fi
echo "postgres://postgres@127.0.0.1:$port/$dbname?sslmode=disable"
