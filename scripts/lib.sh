# Shared helpers for scripts/*.sh. Source it; do not run it.
# shellcheck shell=bash

# shellcheck disable=SC2034  # ROOT, VENV, PY and the colours are used by the scripts that source this
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

# Colour only on a terminal (CI logs and test fixtures get plain text).
if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  _c_log=$'\033[1;34m' _c_warn=$'\033[1;33m' _c_err=$'\033[1;31m' _c_off=$'\033[0m'
else
  _c_log='' _c_warn='' _c_err='' _c_off=''
fi
log() { printf '%s[skischool]%s %s\n' "$_c_log" "$_c_off" "$*" >&2; }
warn() { printf '%s[skischool] WARNING:%s %s\n' "$_c_warn" "$_c_off" "$*" >&2; }
die() {
  printf '%s[skischool] ERROR:%s %s\n' "$_c_err" "$_c_off" "$*" >&2
  exit 1
}

is_root() { [[ "$(id -u)" == 0 ]]; }

# sha256 of the given files' contents (order matters), for the "already done" stamps.
hash_files() { cat "$@" | sha256sum | cut -d' ' -f1; }
