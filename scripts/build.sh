#!/usr/bin/env bash
# Build the book into _build/html, failing on any warning.
#   bash scripts/build.sh [extra jupyter-book options, e.g. --path-output DIR]
# Runs the python/node/vendor setup steps first (fast when already done) unless the caller has
# already run scripts/setup.sh and exported SKISCHOOL_SETUP_DONE=1.
# Every build re-reads and re-executes every page (--all = fresh Sphinx environment, plus
# execute_notebooks: force): Sphinx's incremental mode only re-reads pages whose source changed, so a
# change to the engine in src/skischool (or to the vendored files) would otherwise leave stale pages.
# It costs a few seconds, which is cheap next to serving an exercise that no longer matches the engine.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
[[ "${SKISCHOOL_SETUP_DONE:-}" == 1 ]] || bash "$ROOT/scripts/setup.sh" python node vendor
log "build: jupyter-book build . --all -W -n --keep-going $*"
"$VENV/bin/jupyter-book" build "$ROOT" --all -W -n --keep-going "$@"
