#!/usr/bin/env bash
# The Backstage packages' checks, from the repo root: typecheck with backstage/tsconfig.json, then the
# tests (real Backstage test backends against a real Ballast server on SQLite; no Docker, no jest).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
stage "backstage typecheck" yarn tsc -p backstage/tsconfig.json
stage "backstage tests" yarn vitest run --config backstage/vitest.config.ts
