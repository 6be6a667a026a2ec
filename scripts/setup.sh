#!/usr/bin/env bash
# Installs what Ballast needs on a fresh machine of this kind and builds it. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if [ "${CI:-}" = "true" ]; then
  stage "yarn install" yarn install --immutable
else
  stage "yarn install" yarn install
fi
stage "build" yarn build
