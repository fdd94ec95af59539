#!/usr/bin/env bash
# Install everything the course needs, idempotently; fast when it is already done.
#
#   bash scripts/setup.sh                 # every step below, in this order
#   bash scripts/setup.sh python vendor   # only some steps
#
# Steps:
#   apt     Debian packages: chromium + chromium-driver (browser tests), and nodejs/npm or
#           python3-venv only if they are missing. Needs root; skipped when already installed.
#           SKISCHOOL_SKIP_APT=1 skips this step (browser tests will then fail).
#   python  .venv (python3 -m venv) + pip install -r requirements.txt (which installs `-e .`).
#           Re-runs only when requirements.txt, pyproject.toml or the Python version changed.
#   node    npm ci (package.json / package-lock.json). Re-runs only when the lock changed.
#   vendor  scripts/vendor.sh: copies the widget manager, RequireJS and MathJax into book/_vendor.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

APT_PACKAGES=(chromium chromium-driver)
PYTHON="${PYTHON:-python3}"

apt_missing() { # prints the Debian packages of "$@" that are not installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

step_apt() {
  local wanted=("${APT_PACKAGES[@]}") missing=()
  command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
  if command -v "$PYTHON" >/dev/null 2>&1 && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    wanted+=(python3-venv)
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: we cannot install, only check for the programs.
    command -v chromium >/dev/null && command -v chromedriver >/dev/null && return 0
    [[ "${SKISCHOOL_SKIP_APT:-}" == 1 ]] && { warn "apt: no Chromium found; skipped (SKISCHOOL_SKIP_APT=1)."; return 0; }
    die "apt: this is not a Debian/Ubuntu machine and chromium + chromedriver are not on PATH.
       Install them with your package manager, or set SKISCHOOL_SKIP_APT=1 (browser tests will fail)."
  fi
  mapfile -t missing < <(apt_missing "${wanted[@]}")
  if ((${#missing[@]} == 0)); then
    log "apt: ${wanted[*]} already installed"
    return 0
  fi
  if [[ "${SKISCHOOL_SKIP_APT:-}" == 1 ]]; then
    warn "apt: missing Debian packages: ${missing[*]}; skipped because SKISCHOOL_SKIP_APT=1."
    return 0
  fi
  if ! is_root; then
    die "apt: missing Debian packages: ${missing[*]}
       Installing them needs root. Run once:
           sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}
       then run this command again. (Or set SKISCHOOL_SKIP_APT=1 to go on without them:
       the browser tests will then fail.)"
  fi
  log "apt: installing ${missing[*]} (apt-get update first)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  local t0=$SECONDS
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  log "apt: installed in $((SECONDS - t0)) s"
}

step_python() {
  command -v "$PYTHON" >/dev/null 2>&1 || die "python: '$PYTHON' not found; install Python 3.10+ (or set PYTHON=/path/to/python3)."
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    die "python: $("$PYTHON" --version 2>&1) is too old; Python 3.10+ is needed (set PYTHON=...)."
  if [[ ! -x "$PY" ]]; then
    log "python: creating $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.skischool-requirements.sha256" want
  want="$(
    "$PY" --version
    hash_files requirements.txt pyproject.toml
  )"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$VENV/bin/jupyter-book" ]]; then
    log "python: .venv is up to date"
    return 0
  fi
  log "python: pip install -r requirements.txt (first time takes about a minute)"
  local t0=$SECONDS
  "$PY" -m pip install --disable-pip-version-check --no-input -q -r requirements.txt
  printf '%s\n' "$want" >"$stamp"
  log "python: installed in $((SECONDS - t0)) s"
}

step_node() {
  command -v npm >/dev/null 2>&1 || die "node: npm not found. Install Node.js 18+ with npm
       (Debian, as root: apt-get install nodejs npm; 'bash scripts/setup.sh apt' does it)."
  local stamp="node_modules/.skischool-lock.sha256" want
  want="$(hash_files package-lock.json)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "node: node_modules is up to date"
    return 0
  fi
  log "node: npm ci"
  local t0=$SECONDS
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  printf '%s\n' "$want" >"$stamp"
  log "node: installed in $((SECONDS - t0)) s"
}

step_vendor() { bash "$ROOT/scripts/vendor.sh"; }

steps=("$@")
((${#steps[@]})) || steps=(apt python node vendor)
for s in "${steps[@]}"; do
  case "$s" in
    apt | python | node | vendor) "step_$s" ;;
    *) die "setup: unknown step '$s' (known: apt python node vendor)" ;;
  esac
done
