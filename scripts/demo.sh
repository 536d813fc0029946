#!/usr/bin/env bash
# `make run`: database, migrations, demo data, a dev token and curl lines, then the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DATABASE_URL=${DATABASE_URL:-$(scripts/pg.sh)}
export JWT_HS256_SECRET=${JWT_HS256_SECRET:-runproof-dev-secret-not-for-production}
export LISTEN_ADDR=${LISTEN_ADDR:-127.0.0.1:8080}
# The demo keeps its stale runs for you to reconcile by hand; set SWEEP_INTERVAL=1m to watch the sweeper.
export SWEEP_INTERVAL=${SWEEP_INTERVAL:-0}

go build -o bin/api ./cmd/api
bin/api migrate up
seeded=$(bin/api seed demo)
echo "$seeded"
ws=$(awk '{print $3}' <<<"$seeded")
owner=$(bin/api token --sub demo)
viewer=$(bin/api token --sub viewer)
base="http://${LISTEN_ADDR/#:/127.0.0.1:}"

cat <<MSG

runproof demo is starting on $base (Ctrl-C stops it).

Dev token for 'demo' (owner of workspace $ws):
  export TOKEN=$owner
Token for 'viewer' (readonly):
  export VIEWER=$viewer

Try:
  curl -s -H "Authorization: Bearer \$TOKEN" $base/workspaces/$ws/operations
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/workspaces/$ws/operations?stale=true&limit=5"
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/workspaces/$ws/operations?type=inventory.sync&stale=true"
  curl -s -H "Authorization: Bearer \$TOKEN" $base/workspaces/$ws/reconciliation/families
  curl -s -H "Authorization: Bearer \$TOKEN" $base/workspaces/$ws/reconciliation/preview
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/workspaces/$ws/operations?outcome=partially_succeeded&status=completed"
  curl -s -H "Authorization: Bearer \$TOKEN" $base/workspaces/$ws/baseline-snapshots/<id from links.related>
  curl -s -H "Authorization: Bearer \$TOKEN" $base/workspaces/$ws/backup-sets/<id from links.related>/items
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/workspaces/$ws/inventory-items?seen_by_run=<run id>&limit=5"
  curl -s -X POST -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"dry_run":true}' $base/workspaces/$ws/operations/<run id>/reconcile
  curl -s $base/readyz

MSG
exec bin/api serve
