#!/usr/bin/env bash
# Install what the course needs, idempotently; fast when it is already done.
#
#   bash scripts/setup.sh                      # every step below, in this order (what tests need)
#   bash scripts/setup.sh apt python node vendor   # what building and serving need (course.sh)
#   bash scripts/setup.sh python vendor        # only some steps
#
# Steps:
#   apt      Debian packages the build needs when they are missing: nodejs/npm, python3-venv.
#            Needs root; skipped when already installed.
#   browser  Debian packages chromium + chromium-driver, for the browser tests only (test.sh).
#            Needs root; skipped when already installed.
#            SKISCHOOL_SKIP_APT=1 skips both apt steps (browser tests will then fail).
#   python   .venv (python3 -m venv) + pip install -r requirements.txt (which installs `-e .`).
#            Re-runs only when requirements.txt, pyproject.toml or the Python version changed.
#   node     npm ci (package.json / package-lock.json). Re-runs only when the lock changed.
#   vendor   scripts/vendor.sh: copies the widget manager, RequireJS and MathJax into book/_vendor.
#
# Each step prints one line. The full output of apt-get, pip, npm and vendor.sh goes to
# _build/logs/setup.log (SKISCHOOL_SETUP_LOG overrides), rewritten on each run; when a command
# fails, its last lines are printed with the log's path.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

BROWSER_PACKAGES=(chromium chromium-driver)
PYTHON="${PYTHON:-python3}"
SETUP_LOG="${SKISCHOOL_SETUP_LOG:-$ROOT/_build/logs/setup.log}"
ALL_STEPS=(apt browser python node vendor)
_apt_updated=0

apt_missing() { # prints the Debian packages of "$@" that are not installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

# apt_ensure STEP WHAT-FOR PACKAGE...: install those of PACKAGE... that are missing (needs root).
apt_ensure() {
  local step="$1" what_for="$2" missing=()
  shift 2
  mapfile -t missing < <(apt_missing "$@")
  if ((${#missing[@]} == 0)); then
    log "$step: $* already installed"
    return 0
  fi
  if [[ "${SKISCHOOL_SKIP_APT:-}" == 1 ]]; then
    warn "$step: missing Debian packages: ${missing[*]}; skipped because SKISCHOOL_SKIP_APT=1 ($what_for will fail)."
    return 0
  fi
  if ! is_root; then
    die "$step: missing Debian packages: ${missing[*]} ($what_for)
       Installing them needs root. Run once:
           sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}
       then run this command again. (Or set SKISCHOOL_SKIP_APT=1 to go on without them:
       $what_for will then fail.)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  local t0=$SECONDS
  step_begin "$step: apt-get install ${missing[*]}"
  if ((!_apt_updated)); then
    run_logged "$SETUP_LOG" apt-get update -q || die "$step: apt-get update failed (see above)."
    _apt_updated=1
  fi
  run_logged "$SETUP_LOG" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "$step: apt-get install failed (see above)."
  step_end "done in $((SECONDS - t0)) s"
}

step_apt() {
  local wanted=()
  command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
  if command -v "$PYTHON" >/dev/null 2>&1 && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    wanted+=(python3-venv)
  fi
  if ((${#wanted[@]} == 0)); then
    log "apt: npm and python3 venv are present; nothing to install"
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "apt: not a Debian/Ubuntu machine; skipped (the python and node steps say what is missing)"
    return 0
  fi
  apt_ensure apt "building the course" "${wanted[@]}"
}

step_browser() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: we cannot install, only check for the programs.
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
      log "browser: chromium and chromedriver found"
      return 0
    fi
    [[ "${SKISCHOOL_SKIP_APT:-}" == 1 ]] && { warn "browser: no Chromium found; skipped (SKISCHOOL_SKIP_APT=1)."; return 0; }
    die "browser: this is not a Debian/Ubuntu machine and chromium + chromedriver are not on PATH.
       Install them with your package manager, or set SKISCHOOL_SKIP_APT=1 (browser tests will fail)."
  fi
  apt_ensure browser "the browser tests" "${BROWSER_PACKAGES[@]}"
}

step_python() {
  command -v "$PYTHON" >/dev/null 2>&1 || die "python: '$PYTHON' not found; install Python 3.10+ (or set PYTHON=/path/to/python3)."
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    die "python: $("$PYTHON" --version 2>&1) is too old; Python 3.10+ is needed (set PYTHON=...)."
  local stamp="$VENV/.skischool-requirements.sha256" want t0=$SECONDS
  if [[ -x "$PY" ]]; then
    want="$(
      "$PY" --version
      hash_files requirements.txt pyproject.toml
    )"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$VENV/bin/jupyter-book" ]]; then
      log "python: .venv is up to date"
      return 0
    fi
    step_begin "python: pip install -r requirements.txt"
  else
    step_begin "python: creating .venv, pip install -r requirements.txt (about a minute)"
    run_logged "$SETUP_LOG" "$PYTHON" -m venv "$VENV" || die "python: could not create $VENV (see above)."
    want="$(
      "$PY" --version
      hash_files requirements.txt pyproject.toml
    )"
  fi
  run_logged "$SETUP_LOG" "$PY" -m pip install --disable-pip-version-check --no-input \
    --progress-bar off -r requirements.txt || die "python: pip install failed (see above)."
  printf '%s\n' "$want" >"$stamp"
  step_end "done in $((SECONDS - t0)) s"
}

step_node() {
  command -v npm >/dev/null 2>&1 || die "node: npm not found. Install Node.js 18+ with npm
       (Debian, as root: apt-get install nodejs npm; 'bash scripts/setup.sh apt' does it)."
  local stamp="node_modules/.skischool-lock.sha256" want t0=$SECONDS
  want="$(hash_files package-lock.json)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "node: node_modules is up to date"
    return 0
  fi
  step_begin "node: npm ci"
  run_logged "$SETUP_LOG" npm ci --no-audit --no-fund --ignore-scripts ||
    die "node: npm ci failed (see above)."
  printf '%s\n' "$want" >"$stamp"
  step_end "done in $((SECONDS - t0)) s"
}

step_vendor() {
  run_logged "$SETUP_LOG" bash "$ROOT/scripts/vendor.sh" || die "vendor: failed (see above)."
  # vendor.sh's own last line is the summary: "up to date" or "done (12M)".
  log "$(tail -n 1 "$SETUP_LOG" | sed 's/^\[skischool\] //')"
}

steps=("$@")
((${#steps[@]})) || steps=("${ALL_STEPS[@]}")
for s in "${steps[@]}"; do # check every name before installing anything
  case "$s" in
    apt | browser | python | node | vendor) ;;
    *) die "setup: unknown step '$s' (known: ${ALL_STEPS[*]})" ;;
  esac
done
mkdir -p "$(dirname "$SETUP_LOG")"
printf '# bash scripts/setup.sh %s  (%s)\n' "${steps[*]}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$SETUP_LOG"
for s in "${steps[@]}"; do
  "step_$s"
done
