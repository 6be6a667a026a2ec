# Sourced by the project's scripts: points corepack and yarn at the registry npm is configured
# for (no registry address is committed) and lets node-gyp find Node's headers.
_reg="$(npm config get registry 2>/dev/null)"
_reg="${_reg%/}"
export COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-$_reg}"
export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER:-$_reg}"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
unset _reg
