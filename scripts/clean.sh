#!/usr/bin/env bash
# Remove generated files: _build/ and book/_vendor/.
#   bash scripts/clean.sh --all   also removes .venv/, node_modules/ and .cache/ (downloaded wheels)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
rm -rf _build book/_vendor
log "clean: removed _build/ and book/_vendor/"
if [[ "${1:-}" == --all ]]; then
  rm -rf .venv node_modules .cache
  log "clean: removed .venv/, node_modules/ and .cache/"
fi
