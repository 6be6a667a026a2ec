#!/usr/bin/env bash
# The whole test suite: install, build, lint and format, type-check, then every test against the
# real SQLite and the real PostgreSQL on this machine. Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$SECONDS
failed=0
# The stages' own logs and reports, removed when the script ends.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
run() { stage "$@" || failed=1; }

stage "setup" bash scripts/setup.sh || exit 1
stage "system packages" ensure_debian_packages prometheus-alertmanager prometheus chromium || exit 1
stage "postgres" ensure_postgres || exit 1
# A real Unleash server for the Unleash actuator's tests, kept out of the workspace (its own lockfile);
# installed again only when its lockfile changed.
install_unleash() {
  local marker=tools/unleash/node_modules/.installed-lock-sha256 want
  want=$(sha256sum tools/unleash/package-lock.json | cut -d' ' -f1)
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
    echo "unleash-server already installed"
    return 0
  fi
  npm ci --prefix tools/unleash --no-audit --no-fund --loglevel=error && echo "$want" >"$marker"
}
stage "unleash server" install_unleash || exit 1
# The three static checks are single-threaded: they run side by side, each with its own log.
checks() {
  local dir="$logs/checks" name rc=0
  local -A pid
  mkdir -p "$dir"
  yarn eslint . >"$dir/lint" 2>&1 &
  pid[lint]=$!
  yarn prettier --check . >"$dir/format" 2>&1 &
  pid[format]=$!
  yarn tsc -p tsconfig.json >"$dir/typecheck" 2>&1 &
  pid[typecheck]=$!
  for name in lint format typecheck; do
    if wait "${pid[$name]}"; then echo "$name: ok"; else
      echo "$name: FAILED"
      rc=1
    fi
    tail -n 40 "$dir/$name"
  done
  return $rc
}
run "lint, format, typecheck" checks

report=$logs/vitest.json
run "tests (SQLite and PostgreSQL)" yarn vitest run --reporter=default --reporter=json --outputFile.json="$report"
if [ -s "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
    if (r.numTotalTests === 0) { console.log("no test ran"); process.exit(1); }
  ' "$report" || failed=1
else
  echo "the test runner wrote no report" >&2
  failed=1
fi

# The Backstage packages: their own typecheck and tests (Backstage test backends, a real Ballast).
run "backstage" bash backstage/test.sh
# The Grafana app: build, jest against a real Ballast, then chromium on the preview host.
run "grafana-app" yarn workspace @ballast/grafana-app test

echo "total: $((SECONDS - start))s"
exit $failed
