#!/usr/bin/env bash
# Serve the built book on http://127.0.0.1:8000/ (HOST and PORT override) until Ctrl-C.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
[[ -f _build/html/index.html ]] || die "serve: _build/html is missing; build first: bash scripts/build.sh"
[[ -x "$PY" ]] || die "serve: .venv is missing; run bash scripts/setup.sh"
log "serve: the course is at http://$HOST:$PORT/  (Ctrl-C to stop)"
exec "$PY" -m http.server "$PORT" --bind "$HOST" --directory _build/html
