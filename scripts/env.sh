# Sourced by the project's scripts: points corepack and yarn at the registry npm is configured
# for (no registry address is committed) and lets node-gyp find Node's headers.
_reg="$(npm config get registry 2>/dev/null)"
_reg="${_reg%/}"
export COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-$_reg}"
export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER:-$_reg}"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
unset _reg

# yarn through corepack, pinned by package.json's packageManager; no global shims needed.
yarn() { corepack yarn "$@"; }

# Prints how long a stage took: `stage NAME command...`
stage() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "==> $name"
  "$@"
  local rc=$?
  echo "<== $name: $((SECONDS - t0))s (exit $rc)"
  return $rc
}

# Starts the machine's PostgreSQL when it is not answering (tests and CI need the real one).
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  echo "PostgreSQL is down; starting it"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || return 1
  else
    echo "no pg_ctlcluster here: start PostgreSQL on 127.0.0.1:5432 yourself" >&2
    return 1
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  echo "PostgreSQL did not become ready" >&2
  return 1
}

# Installs Debian packages the tests drive (a real Alertmanager, later a browser) when missing.
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
