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
  ((${_line_open:-0})) && printf '\n' >&2 # finish an open step line first
  printf '%s[skischool] ERROR:%s %s\n' "$_c_err" "$_c_off" "$*" >&2
  exit 1
}

is_root() { [[ "$(id -u)" == 0 ]]; }

# sha256 of the given files' contents (order matters), for the "already done" stamps.
hash_files() { cat "$@" | sha256sum | cut -d' ' -f1; }

# One line per setup step. step_begin prints what is running and leaves the line open;
# step_end closes it with the outcome ("done in 12 s"). run_logged keeps the noise in a file.
_line_open=0
step_begin() {
  printf '%s[skischool]%s %s ... ' "$_c_log" "$_c_off" "$*" >&2
  _line_open=1
}
step_end() {
  printf '%s\n' "$*" >&2
  _line_open=0
}

# run_logged LOGFILE CMD...: run CMD with stdin closed and all its output appended to LOGFILE, so
# the terminal shows a summary. On failure, print CMD's own output (its last 60 lines) and the
# log's path, then return CMD's exit code: the caller decides whether that is fatal.
run_logged() {
  local logfile="$1" start cmd rc=0
  shift
  cmd="$(printf '%q ' "$@")"
  mkdir -p "$(dirname "$logfile")"
  touch "$logfile"
  start=$(($(wc -l <"$logfile") + 1))
  printf '\n$ %s\n' "${cmd% }" >>"$logfile"
  "$@" </dev/null >>"$logfile" 2>&1 || rc=$?
  if ((rc != 0)); then
    ((_line_open)) && step_end "failed"
    printf '%s[skischool] ERROR:%s %s failed (exit %s). Its last lines:\n' \
      "$_c_err" "$_c_off" "${cmd% }" "$rc" >&2
    tail -n +"$start" "$logfile" | tail -n 60 | sed 's/^/    /' >&2
    printf '%s[skischool]%s full log: %s\n' "$_c_log" "$_c_off" "$logfile" >&2
  fi
  return "$rc"
}
