#!/usr/bin/env bash
# Everything the Grafana app is tested with, in order: build, jest (components and data source against
# a real Ballast server on SQLite), then the browser tests on the preview host. Exits non-zero on any
# failure. Run as `yarn workspace @ballast/grafana-app test`.
set -euo pipefail
# env.sh asks npm for the registry, which works from the repository root.
cd "$(dirname "$0")/../.."
source scripts/env.sh
cd grafana-app

ensure_debian_packages chromium
export PATH="$PWD/node_modules/.bin:$PWD/../node_modules/.bin:$PATH"

stage "server build (the tests start the production entry point)" yarn workspace @ballast/server build
stage "CLI build (the browser tests seed the demo with it)" yarn workspace @ballast/cli build
stage "grafana-app build" webpack --config webpack.config.mjs --mode production
stage "grafana-app jest" jest --ci
stage "grafana-app browser tests" node --test --test-reporter=spec test/browser/
