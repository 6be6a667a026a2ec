#!/usr/bin/env bash
# Installs what Ballast needs on a fresh machine of this kind and builds it. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# Puts `yarn` (pinned by package.json) on the PATH for later commands such as `yarn ballast`.
corepack enable >/dev/null 2>&1 || echo "note: corepack enable failed; use 'source scripts/env.sh' to get yarn"

if [ "${CI:-}" = "true" ]; then
  stage "yarn install" yarn install --immutable
else
  stage "yarn install" yarn install
fi
stage "build" yarn build
