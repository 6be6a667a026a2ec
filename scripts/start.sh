#!/usr/bin/env bash
# One command for a newcomer: install, build, start Ballast on its embedded SQLite store under ./data,
# seed a realistic day of demo events through the public API, and serve the Grafana app's preview host
# beside it (the built plugin in a page that plays Grafana's part). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

export BALLAST_DATA_DIR="${BALLAST_DATA_DIR:-./data}"
export BALLAST_PORT="${BALLAST_PORT:-4680}"
export BALLAST_HOST="${BALLAST_HOST:-127.0.0.1}"
# The preview host (the Grafana app in a page that plays Grafana's part) listens beside the API.
export BALLAST_PREVIEW_PORT="${BALLAST_PREVIEW_PORT:-4690}"
if [ "$BALLAST_PREVIEW_PORT" = "$BALLAST_PORT" ]; then
  echo "BALLAST_PORT and BALLAST_PREVIEW_PORT are both $BALLAST_PORT: the API and the preview need a port each" >&2
  exit 1
fi

bash scripts/setup.sh

# Request logs would bury the instructions below; BALLAST_LOG_LEVEL=info shows them.
export BALLAST_LOG_LEVEL="${BALLAST_LOG_LEVEL:-warn}"
mkdir -p "$BALLAST_DATA_DIR"
# The local admin key lives beside the data it opens, readable by this user only.
keyfile="$BALLAST_DATA_DIR/admin.key"
if [ ! -s "$keyfile" ]; then
  (umask 077 && node -e "process.stdout.write('blst_' + require('crypto').randomBytes(32).toString('base64url'))" > "$keyfile")
fi
export BALLAST_BOOTSTRAP_ADMIN_KEY="$(cat "$keyfile")"
export BALLAST_URL="http://$BALLAST_HOST:$BALLAST_PORT"
export BALLAST_API_KEY="$BALLAST_BOOTSTRAP_ADMIN_KEY"

node backend/server/dist/server.js &
server=$!
preview=""
trap 'kill -TERM $server $preview 2>/dev/null; wait $server $preview 2>/dev/null' EXIT INT TERM

# Waits (about 20 s at most) until $1 answers, and stops everything if process $2 exits first ($3 says why).
wait_ready() {
  for _ in $(seq 1 100); do
    curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3" >&2; exit 1; }
    sleep 0.2
  done
}
wait_ready "$BALLAST_URL/health/ready" $server "the server stopped; see its output above"

node backend/cli/dist/ballast.js demo seed

# The preview host's keys, made once and kept beside the admin key: the app's proxy routes use a
# grafana-proxy key (so the preview's user is recorded as the actor) with the approver role (so the
# Stabilize page's approvals work for a second preview user), the data source a viewer key.
preview_key() {
  local file="$BALLAST_DATA_DIR/$1.key"
  if [ ! -s "$file" ]; then
    (umask 077 && node backend/cli/dist/ballast.js keys create --name "$1" --role "$2" ${3:+--kind "$3"} --json |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).secret))' >"$file")
  fi
  cat "$file"
}
export BALLAST_PREVIEW_APP_KEY="$(preview_key preview-grafana-app-approver approver grafana-proxy)"
export BALLAST_PREVIEW_DS_KEY="$(preview_key preview-grafana-datasource viewer)"
node grafana-app/preview/server.mjs &
preview=$!
wait_ready "http://127.0.0.1:$BALLAST_PREVIEW_PORT/a/ballast-reliability-app/timeline" $preview \
  "the preview host stopped; see its output above (BALLAST_PREVIEW_PORT picks another port)"

cat <<TXT

  Ballast is running on SQLite at $BALLAST_DATA_DIR/ballast.sqlite
    UI:       http://127.0.0.1:$BALLAST_PREVIEW_PORT/a/ballast-reliability-app/timeline
              (the Grafana app in its preview host; its user menu switches between admin, two editors and a viewer)
    API:      $BALLAST_URL/v1/events   (OpenAPI: $BALLAST_URL/openapi.json)
    Health:   $BALLAST_URL/health      Metrics: $BALLAST_URL/metrics
    Admin key in $keyfile. Try:
      export BALLAST_URL=$BALLAST_URL BALLAST_API_KEY=\$(cat $keyfile)
      yarn ballast events search --service checkout

  Ctrl-C stops it.
TXT
wait $server
