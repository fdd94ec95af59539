#!/usr/bin/env bash
# Set everything up, then run the whole test suite: bash scripts/test.sh [pytest options]
# Exits with pytest's exit code; a run that collects no tests (pytest exit 5) fails too.
# Installs everything course.sh does, plus Chromium for the browser tests (the browser step).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/setup.sh" apt browser python node vendor
export SKISCHOOL_SETUP_DONE=1
cd "$ROOT"
log "test: python -m pytest $*"
rc=0
"$PY" -m pytest "$@" || rc=$?
if ((rc == 5)); then
  die "test: pytest collected no tests (exit 5); treating that as a failure."
fi
((rc == 0)) || printf '%s[skischool] test: pytest failed (exit %s)%s\n' "$_c_err" "$rc" "$_c_off" >&2
exit "$rc"
