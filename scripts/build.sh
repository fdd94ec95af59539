#!/usr/bin/env bash
# Build the book into _build/html, failing on any warning, then what its live exercises
# need (_build/html/live).
#   bash scripts/build.sh [--edition learner|instructor] [extra jupyter-book options, e.g. --path-output DIR]
# Runs the python/node/vendor setup steps first (fast when already done) unless the caller has
# already run scripts/setup.sh and exported SKISCHOOL_SETUP_DONE=1.
#
# Two editions from one source (book/_ext/edition.py):
#   learner (default): _build/html, without facilitator notes, answer keys or readable model
#     replies (they are sealed in the live rubrics);
#   instructor: _build/instructor/html (a link to _build/instructor/_build/html, where
#     jupyter-book writes it), with all of them and the levels' session plans, discussion prompts
#     and mistakes to expect. SKISCHOOL_EDITION=instructor does the same as --edition instructor.
# Both editions read every page identically (the edition only changes what is written), so when
# the learner edition beside it is up to date, the instructor edition starts from its read of
# every page (a copy of _build/.doctrees) and no notebook runs twice; its live folder is made
# from the learner's in seconds (scripts/build_live.py --base).
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

edition="${SKISCHOOL_EDITION:-learner}"
out="$ROOT"
args=()
while (($#)); do
  case "$1" in
    --edition)
      (($# >= 2)) || die "build: --edition needs a value: learner or instructor"
      edition="$2"
      shift 2
      ;;
    --edition=*)
      edition="${1#*=}"
      shift
      ;;
    --path-output)
      (($# >= 2)) || die "build: --path-output needs a folder"
      out="$2"
      args+=("$1" "$2")
      shift 2
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done
case "$edition" in
  learner | instructor) ;;
  *) die "build: unknown edition '$edition'; expected learner or instructor" ;;
esac
export SKISCHOOL_EDITION="$edition"

[[ "${SKISCHOOL_SETUP_DONE:-}" == 1 ]] || bash "$ROOT/scripts/setup.sh" python node vendor

# Where this edition's jupyter-book output goes (jupyter-book adds _build/ to --path-output).
learner_build="$out/_build"
if [[ "$edition" == instructor ]]; then
  book="$out/_build/instructor"
  filtered=()
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[i]}" == --path-output ]]; then
      ((i += 1))
    else
      filtered+=("${args[i]}")
    fi
  done
  args=("${filtered[@]+"${filtered[@]}"}" --path-output "$book")
  suffix=-instructor
else
  book="$out"
  suffix=""
fi
build="$book/_build"
html="$build/html"
stamp="$build/.skischool-inputs.sha256"
set -- "${args[@]+"${args[@]}"}"

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
seeded=""
if [[ "$edition" == instructor && -f "$learner_build/.skischool-inputs.sha256" &&
  "$(cat "$learner_build/.skischool-inputs.sha256")" == "$want" &&
  -f "$learner_build/.doctrees/environment.pickle" ]]; then
  # The learner edition is up to date: start from its read of every page, once per learner read.
  seed="$(sha256sum <"$learner_build/.doctrees/environment.pickle" | cut -d' ' -f1)"
  if [[ ! -f "$build/.skischool-seed" || "$(cat "$build/.skischool-seed")" != "$seed" ]]; then
    log "build: instructor edition: starting from the learner edition's read of every page"
    rm -rf "$build/.doctrees" "$build/jupyter_execute" "$html"
    mkdir -p "$build"
    cp -a "$learner_build/.doctrees" "$build/.doctrees"
    [[ ! -d "$learner_build/jupyter_execute" ]] || cp -a "$learner_build/jupyter_execute" "$build/"
    printf '%s\n' "$seed" >"$build/.skischool-seed"
    printf '%s\n' "$want" >"$stamp"
    seeded=1
  fi
fi
full=()
if [[ -z "$seeded" && ("${CI:-}" == true || ! -f "$stamp" || "$(cat "$stamp")" != "$want") ]]; then
  log "build: engine, rubrics or config changed (or first build): rebuilding every page"
  rm -rf "$build/.jupyter_cache" # in case cache mode was ever used: it keys on code alone
  full=(--all)
fi
rm -f "$stamp"
# Sphinx and the notebook kernels print thousands of lines (one "running over TCP" warning per
# executed page among them). They go to a log; the terminal gets one line, or on failure the
# warnings and errors with the log's path. SKISCHOOL_VERBOSE=1 shows everything as it happens.
buildlog="$out/_build/logs/build$suffix.log"
mkdir -p "$(dirname "$buildlog")"
# jupyter-book's own command, run by scripts/run_jupyter_book.py so Sphinx uses every core.
cmd=("$PY" "$ROOT/scripts/run_jupyter_book.py" build "$ROOT" "${full[@]}" -W -n --keep-going "$@")
printf '$ %s\n' "${cmd[*]}" >"$buildlog"
t0=$SECONDS
# The pages show each widget as a first-time learner sees it: never the builder's own attempts.
if [[ "${SKISCHOOL_VERBOSE:-}" == 1 ]]; then
  log "build: ${cmd[*]}"
  SKISCHOOL_PROGRESS=off "${cmd[@]}" 2>&1 | tee -a "$buildlog"
else
  step_begin "build: jupyter-book build, $edition edition${full:+ (every page)}, log in ${buildlog#"$ROOT"/}"
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
live=("$PY" "$ROOT/scripts/build_live.py" --output "$html/live")
[[ "$edition" == learner ]] ||
  live+=(--edition "$edition" --base "$learner_build/html/live")
if [[ "${SKISCHOOL_VERBOSE:-}" == 1 ]]; then
  "${live[@]}" 2>&1 | tee -a "$buildlog"
else
  livelog="$out/_build/logs/build-live$suffix.log"
  if ! "${live[@]}" </dev/null >"$livelog" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$livelog" | tail -n 40 | sed 's/^/    /' >&2
    die "build: the live exercises' files did not build; full log: $livelog"
  fi
  log "$(sed 's/\x1b\[[0-9;]*m//g' "$livelog" | grep -v '^\s*$' | tail -n 1 | sed 's/^\s*\[skischool\] //')"
fi
if [[ "$edition" == instructor ]]; then
  ln -sfn _build/html "$book/html" # the edition's address: _build/instructor/html
  log "build: the instructor edition is in ${book#"$ROOT"/}/html (serve it: SITE_DIR=${book#"$ROOT"/}/html bash scripts/serve.sh)"
fi
