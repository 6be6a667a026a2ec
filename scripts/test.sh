#!/usr/bin/env bash
# The whole test suite: install, build, lint and format, type-check, then every test against the
# real SQLite and the real PostgreSQL on this machine. Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$SECONDS
failed=0
run() { stage "$@" || failed=1; }

stage "setup" bash scripts/setup.sh || exit 1
stage "system packages" ensure_debian_packages prometheus-alertmanager prometheus || exit 1
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
run "lint" yarn eslint .
run "format" yarn prettier --check .
run "typecheck" yarn tsc -p tsconfig.json

report=$(mktemp -d)/vitest.json
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

echo "total: $((SECONDS - start))s"
exit $failed
