#!/usr/bin/env bash
# The newcomer's command: set everything up, build the book, serve it on http://127.0.0.1:8000/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/setup.sh"
export SKISCHOOL_SETUP_DONE=1
bash "$ROOT/scripts/build.sh"
exec bash "$ROOT/scripts/serve.sh"
