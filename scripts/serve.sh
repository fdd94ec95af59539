#!/usr/bin/env bash
# Serve the built book on http://127.0.0.1:8000/ until Ctrl-C.
#
#   bash scripts/serve.sh                     # _build/html on http://127.0.0.1:8000/
#   PORT=8001 bash scripts/serve.sh           # another port
#   HOST=0.0.0.0 bash scripts/serve.sh        # every interface (others on the network can see it)
#   SITE_DIR=path/to/html bash scripts/serve.sh   # another folder with an index.html
#   bash scripts/serve.sh --check             # only check that HOST:PORT is free (course.sh does,
#                                             # before spending minutes on a build)
#
# A busy port, a port that needs root or a HOST that is not this machine ends in one line that
# names HOST and PORT and suggests a free port, with exit 1: never a Python traceback.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
SITE_DIR="${SITE_DIR:-_build/html}"
mode=serve
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) die "serve: unknown option '$1' (serve.sh takes HOST, PORT and SITE_DIR from the environment, and --check)" ;;
esac

[[ "$PORT" =~ ^[0-9]{1,5}$ ]] && ((10#$PORT >= 1 && 10#$PORT <= 65535)) ||
  die "serve: PORT must be a number from 1 to 65535, not '$PORT'"
PORT=$((10#$PORT))
[[ -n "$HOST" ]] || die "serve: HOST is empty; use HOST=127.0.0.1 (this machine) or HOST=0.0.0.0 (every interface)"
# Only the standard library is needed, so the system Python will do before .venv exists.
py="$PY"
[[ -x "$py" ]] || py="$(command -v python3 || true)"
if [[ -z "$py" ]]; then
  [[ "$mode" == check ]] && exit 0 # the setup will say that Python is missing
  die "serve: no Python found; run bash scripts/setup.sh"
fi
if [[ "$mode" == serve ]]; then
  [[ -f "$SITE_DIR/index.html" ]] ||
    die "serve: $SITE_DIR/index.html is missing; build first: bash scripts/build.sh"
fi

# Binding is the check: it happens before the URL is printed, and the same code reports a server
# that fails later. Arguments: mode host port dir, then the colour codes of lib.sh.
read -r -d '' SERVER <<'PY' || true
import errno, functools, http.server, socket, sys

mode, host, port, site, c_log, c_err, c_off = sys.argv[1:8]
port = int(port)


def fail(message: str) -> None:
    print(f"{c_err}[skischool] ERROR:{c_off} serve: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def free(family: int, addr: tuple) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server does
        try:
            s.bind(addr)
        except OSError:
            return False
    return True


def another(family: int, addr: tuple, start: int) -> int:
    """A free port from ``start`` on, to suggest (or ``start`` itself if none of 50 is)."""
    for p in range(start, min(start + 50, 65536)):
        if p != port and free(family, (addr[0], p, *addr[2:])):
            return p
    return start


try:
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
except (socket.gaierror, UnicodeError) as exc:
    reason = getattr(exc, "strerror", None) or exc
    fail(f"HOST {host!r} is not an address of this machine ({reason}); use HOST=127.0.0.1")
family, _, _, _, addr = info[0]


class Server(http.server.ThreadingHTTPServer):
    address_family = family
    daemon_threads = True


handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
try:
    if mode == "check":
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(addr)
        sys.exit(0)
    httpd = Server(addr, handler)
except OSError as exc:
    if exc.errno == errno.EADDRINUSE:
        fail(
            f"port {port} on {host} is in use; choose another with "
            f"PORT={another(family, addr, port + 1)} bash scripts/serve.sh"
        )
    if exc.errno == errno.EACCES:
        fail(
            f"no permission to listen on port {port} of {host} (ports below 1024 need root); "
            f"choose another with PORT={another(family, addr, 8000)} bash scripts/serve.sh"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        fail(f"HOST {host} is not an address of this machine; use HOST=127.0.0.1 or HOST=0.0.0.0")
    fail(f"cannot listen on port {port} of {host}: {exc.strerror or exc}")

url_host = f"[{host}]" if ":" in host else host
print(f"{c_log}[skischool]{c_off} serve: the course is at http://{url_host}:{port}/  (Ctrl-C to stop)",
      file=sys.stderr, flush=True)
try:
    httpd.serve_forever()
except KeyboardInterrupt:
    print(f"{c_log}[skischool]{c_off} serve: stopped", file=sys.stderr)
except OSError as exc:
    fail(f"the server on port {port} of {host} stopped: {exc.strerror or exc}")
finally:
    httpd.server_close()
PY
exec "$py" -c "$SERVER" "$mode" "$HOST" "$PORT" "$SITE_DIR" "$_c_log" "$_c_err" "$_c_off"
