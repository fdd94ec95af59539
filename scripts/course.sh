#!/usr/bin/env bash
# The newcomer's command: set up what building and serving need, build the book, serve it on
# http://127.0.0.1:8000/ (HOST and PORT override, as for scripts/serve.sh).
# No Chromium: only the browser tests need it, and scripts/test.sh installs it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/serve.sh" --check # a busy PORT is better known before minutes of building
bash "$ROOT/scripts/setup.sh" apt python node vendor
export SKISCHOOL_SETUP_DONE=1
bash "$ROOT/scripts/build.sh"
exec bash "$ROOT/scripts/serve.sh"
