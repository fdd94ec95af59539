#!/usr/bin/env bash
# Build the book into _build/html, failing on any warning, then what its live exercises
# need (_build/html/live).
#   bash scripts/build.sh [extra jupyter-book options, e.g. --path-output DIR]
# Runs the python/node/vendor setup steps first (fast when already done) unless the caller has
# already run scripts/setup.sh and exported SKISCHOOL_SETUP_DONE=1.
#
# Stale outputs: Sphinx re-reads (and so re-executes) only pages whose source changed, which
# alone would miss a change to the engine (src/skischool), a rubric, the config or which ideas a
# lesson teaches. This script hashes those; when the hash differs from the last successful build
# (or CI=true, or the last build failed) it rebuilds every page with --all. Otherwise the build is
# incremental: seconds when nothing changed, one page's execution after editing one lesson.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
[[ "${SKISCHOOL_SETUP_DONE:-}" == 1 ]] || bash "$ROOT/scripts/setup.sh" python node vendor

out="$ROOT"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[i]}" == --path-output ]] && out="${args[i + 1]}"
done
stamp="$out/_build/.skischool-inputs.sha256"

inputs_hash() {
  {
    # The engine and everything an executed cell reads besides its own code.
    { find src/skischool exercises lessons book -type f \
      \( -name '*.py' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
      -not -path '*/__pycache__/*' -not -path 'book/_vendor/*' -print0 2>/dev/null || true; } |
      sort -z | xargs -0 -r sha256sum
    sha256sum _config.yml _toc.yml course.yml package-lock.json
    # Which ideas each lesson teaches feeds the ideas map page.
    grep -H '^ideas:' lessons/*/*.md 2>/dev/null || true
    "$PY" --version
  } | sha256sum | cut -d' ' -f1
}

want="$(inputs_hash)"
full=()
if [[ "${CI:-}" == true || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  log "build: engine, rubrics or config changed (or first build): rebuilding every page"
  rm -rf "$out/_build/.jupyter_cache" # in case cache mode was ever used: it keys on code alone
  full=(--all)
fi
rm -f "$stamp"
# Sphinx and the notebook kernels print thousands of lines (one "running over TCP" warning per
# executed page among them). They go to a log; the terminal gets one line, or on failure the
# warnings and errors with the log's path. SKISCHOOL_VERBOSE=1 shows everything as it happens.
buildlog="$out/_build/logs/build.log"
mkdir -p "$(dirname "$buildlog")"
cmd=("$VENV/bin/jupyter-book" build "$ROOT" "${full[@]}" -W -n --keep-going "$@")
printf '$ %s\n' "${cmd[*]}" >"$buildlog"
t0=$SECONDS
# The pages show each widget as a first-time learner sees it: never the builder's own attempts.
if [[ "${SKISCHOOL_VERBOSE:-}" == 1 ]]; then
  log "build: ${cmd[*]}"
  SKISCHOOL_PROGRESS=off "${cmd[@]}" 2>&1 | tee -a "$buildlog"
else
  step_begin "build: jupyter-book build${full:+ (every page)}, log in ${buildlog#"$ROOT"/}"
  if ! SKISCHOOL_PROGRESS=off "${cmd[@]}" </dev/null >>"$buildlog" 2>&1; then
    step_end "failed after $((SECONDS - t0)) s"
    printf '%s[skischool] ERROR:%s the book did not build. Warnings and errors:\n' "$_c_err" "$_c_off" >&2
    # Sphinx colours its log even into a file; the colour codes are stripped here.
    sed 's/\x1b\[[0-9;]*m//g' "$buildlog" | grep -E 'WARNING:|ERROR:|Error:|Traceback' |
      head -n 60 | sed 's/^/    /' >&2 || true
    printf '%s[skischool]%s last lines:\n' "$_c_log" "$_c_off" >&2
    sed 's/\x1b\[[0-9;]*m//g' "$buildlog" | tail -n 25 | sed 's/^/    /' >&2
    die "build: full log: $buildlog"
  fi
  step_end "done in $((SECONDS - t0)) s"
fi
mkdir -p "$(dirname "$stamp")"
printf '%s\n' "$want" >"$stamp"

# What the live exercises need: Pyodide, the engine's wheel and the compiled rubrics, in a
# JupyterLite site (the notebook form of each exercise) at _build/html/live/.
# It has its own up-to-date check (scripts/build_live.py), so an unchanged site costs a second.
# Its progress (one line per wheel it downloads the first time) goes to the same log; the
# terminal gets its last line, the summary, or the log's tail when it fails.
if [[ "${SKISCHOOL_VERBOSE:-}" == 1 ]]; then
  "$PY" "$ROOT/scripts/build_live.py" --output "$out/_build/html/live" 2>&1 | tee -a "$buildlog"
else
  livelog="$out/_build/logs/build-live.log"
  if ! "$PY" "$ROOT/scripts/build_live.py" --output "$out/_build/html/live" </dev/null >"$livelog" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$livelog" | tail -n 40 | sed 's/^/    /' >&2
    die "build: the live exercises' files did not build; full log: $livelog"
  fi
  log "$(sed 's/\x1b\[[0-9;]*m//g' "$livelog" | grep -v '^\s*$' | tail -n 1 | sed 's/^\s*\[skischool\] //')"
fi
