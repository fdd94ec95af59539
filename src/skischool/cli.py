"""The ``skischool`` command: validate rubrics, check a reply, list what is available.

Exit codes follow linters: 0 pass/valid, 1 fail/invalid, 2 bad usage (including a file that
cannot be read or written), 3 an internal error (a bug), 130 interrupted (Ctrl-C).

Every path ends in an exit code and a message, never a traceback: a learner who pastes a
traceback into an issue has learnt nothing about their reply. SKISCHOOL_DEBUG=1 shows the
traceback of an internal error for whoever fixes it.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import __version__
from .commands import CommandError
from .platforms import PLATFORMS

if TYPE_CHECKING:
    from .conversation import ConversationRubric
    from .triage import TriageRubric

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
# A reply longer than this is a paste accident or a device (/dev/zero), not something to judge:
# the engine itself checks only the first 1,000,000 characters (model.MAX_CHECK_CHARS), which
# in UTF-8 is at most about 2 MiB for any real-world text. Reading stops one byte past it.
MAX_REPLY_BYTES = 2 * 1024 * 1024
MAX_REPLY_TEXT = "2 MiB"

# Characters that would act on the terminal instead of being shown (escape sequences, carriage
# returns, bidi overrides) or that no encoding can write (lone surrogates from undecodable argv).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_OR_SGR_RE = re.compile(f"(\x1b\\[[0-9;]*m)|[{_UNSAFE}]")
_JSON_UNSAFE_RE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class UsageError(Exception):
    """A one-line reason the command cannot run as asked; ends in exit 2."""


def _escape(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def clean(text: str, *, keep_sgr: bool = False) -> str:
    """``text`` safe for a terminal: control characters spelled out (``\\x1b``), newlines and
    tabs kept, so a crafted option id, path or reply cannot rewrite the screen.

    ``keep_sgr`` keeps colour codes, for output the renderer coloured itself.
    """
    if keep_sgr:
        return _UNSAFE_OR_SGR_RE.sub(lambda m: m.group(1) or _escape(m.group()), text)
    return _UNSAFE_RE.sub(lambda m: _escape(m.group()), text)


def _say(message: str) -> None:
    """A message for the person at the terminal (stderr), never raising: it is the last word."""
    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        print(clean(message), file=sys.stderr, flush=True)


def _out(text: str, *, keep_sgr: bool = False) -> None:
    print(clean(text, keep_sgr=keep_sgr))


def emit(text: str) -> None:
    """A line of a command's output, with control characters made visible (learner text may
    hold anything; it must never drive the terminal)."""
    _out(text)


def _print_json(obj: object, *, indent: int | None = None) -> None:
    """One JSON document that any output encoding can carry.

    Non-ASCII stays readable when stdout can encode it; otherwise (``PYTHONIOENCODING=ascii``,
    ``LANG=C`` on an old Python) it is written as ``\\u`` escapes, which is the same JSON.
    C1 controls, bidi overrides and lone surrogates are always escaped.
    """
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    text = _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(obj, ensure_ascii=True, indent=indent)
    print(text)


def _reason(exc: OSError) -> str:
    """The OS's own words ("Permission denied"), without Python's [Errno 13] and repr."""
    return exc.strerror or str(exc) or type(exc).__name__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 already; keep the message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {clean(message)}\n")


def _color(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def _device_problem(path: Path) -> object | None:
    """A rubric "file" that is a device (/dev/zero, a terminal) would never finish reading."""
    from .errors import Problem

    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing or unreadable: the loader reports it with its own words
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        return Problem(str(path), None, None, "", "is a device, not a rubric file")
    return None


def _check_not_device(path: Path) -> None:
    from .errors import RubricError

    problem = _device_problem(path)
    if problem is not None:
        raise RubricError([problem])  # type: ignore[list-item]


def cmd_validate(args: argparse.Namespace) -> int:
    from .examples import find_rubrics, validate_file

    files = find_rubrics(args.paths)
    if not files:
        _say("No rubric files found in: " + ", ".join(args.paths))
        return EXIT_FAIL
    problems = []
    for f in files:
        device = _device_problem(f)
        problems.extend([device] if device is not None else validate_file(f))
    if args.json:
        _print_json({"files": len(files), "problems": [p.to_dict() for p in problems]})  # type: ignore[attr-defined]
    else:
        for p in problems:
            _out(str(p))
        n = len(problems)
        status = "ok" if not n else f"{n} problem{'s' if n != 1 else ''}"
        print(f"{len(files)} rubric file{'s' if len(files) != 1 else ''} checked: {status}")
    return EXIT_FAIL if problems else EXIT_OK


def _decode_reply(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM) or BOM-marked UTF-16; other bytes become U+FFFD with a
    warning, so a reply saved in the wrong encoding is still judged, and the learner knows why
    a word looks odd."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    codec = "utf-16" if utf16 else "utf-8-sig"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        _say(
            f"check: warning: {name} is not valid {codec.upper().removesuffix('-SIG')} "
            f"(first bad byte at offset {exc.start}); unreadable bytes were replaced with \ufffd"
        )
        return data.decode(codec, errors="replace")


def _read_limited(stream: IO[bytes], name: str) -> bytes:
    """At most MAX_REPLY_BYTES: /dev/zero or `yes |` must end in a message, not eat memory."""
    data = stream.read(MAX_REPLY_BYTES + 1)
    if len(data) > MAX_REPLY_BYTES:
        raise UsageError(
            f"check: the reply in {name} is longer than {MAX_REPLY_TEXT}; "
            "give the reply itself, not a whole document"
        )
    return data


def _read_reply(args: argparse.Namespace) -> str:
    if args.text is not None:
        return str(args.text)
    if args.file == "-":
        stdin = sys.stdin
        if stdin is None or getattr(stdin, "closed", False):
            raise UsageError(
                "check: stdin is closed, so there is no reply to read from '-'; "
                "pipe one in, or give --text TEXT or a FILE"
            )
        if getattr(stdin, "isatty", lambda: False)():
            _say("check: type the reply, then press Ctrl-D on a new line")
        try:
            return _decode_reply(_read_limited(stdin.buffer, "stdin"), "stdin")
        except (OSError, ValueError, AttributeError) as exc:  # a closed or unreadable descriptor
            reason = _reason(exc) if isinstance(exc, OSError) else "stdin cannot be read"
            raise UsageError(f"check: cannot read the reply from stdin: {reason}") from None
    path = Path(args.file)
    if path.is_dir():
        raise UsageError(f"check: {path} is a folder; give the reply's file, or - for stdin")
    try:
        with path.open("rb") as f:
            data = _read_limited(f, str(path))
    except OSError as exc:
        raise UsageError(f"check: cannot read the reply from {path}: {_reason(exc)}") from None
    return _decode_reply(data, str(path))


def _platform(value: str) -> str:
    """An --platform name, or a usage error listing them: an unknown name would silently drop
    the length limit and change the verdict."""
    name = value.strip().lower()
    if name not in PLATFORMS:
        raise argparse.ArgumentTypeError(
            f"unknown platform '{clean(value)}'; expected one of: {', '.join(PLATFORMS)}"
        )
    return name


def cmd_check(args: argparse.Namespace) -> int:
    from .conversation import ConversationRubric
    from .criteria.base import Scenario
    from .errors import RubricError
    from .loader import SITUATIONS, load_rubric
    from .model import ReplyRubric
    from .situations import load_situation
    from .triage import TriageRubric

    if bool(args.rubric) == bool(args.situation):
        _say("check: give a RUBRIC file or --situation NAME (one of them)")
        return EXIT_USAGE
    if args.situation and args.situation not in SITUATIONS:
        _say(
            f"check: unknown situation '{args.situation}'; expected one of: {', '.join(SITUATIONS)}"
        )
        return EXIT_USAGE
    try:
        if args.situation:
            rubric = load_situation(args.situation)
        else:
            _check_not_device(Path(args.rubric))
            rubric = load_rubric(args.rubric)
    except RubricError as exc:
        _say(str(exc))
        return EXIT_USAGE
    if isinstance(rubric, ConversationRubric):
        return _check_conversation(rubric, args)
    if isinstance(rubric, TriageRubric):
        return _check_triage(rubric, args)
    if args.reply:
        _say("check: --reply is for conversation rubrics; give a reply with --text, a FILE or -")
        return EXIT_USAGE
    if not isinstance(rubric, ReplyRubric):
        ids = [o.id for o in rubric.options]
        if args.choose is None:
            _say(
                f"check: {rubric.file} is a choice rubric; pick with --choose IDS "
                f"(from: {', '.join(ids)})"
            )
            return EXIT_USAGE
        chosen = [c.strip() for c in args.choose.split(",") if c.strip()]
        unknown = [c for c in chosen if c not in ids]
        if unknown:
            # Refused, not judged: a typo would otherwise read as a wrong answer (exit 1).
            _say(
                f"check: unknown option '{unknown[0]}' for --choose; "
                f"expected ids from: {', '.join(ids)}"
            )
            return EXIT_USAGE
        result = rubric.check(chosen)
        _print_result(result, args.json)
        return EXIT_OK if result.passed else EXIT_FAIL
    if args.choose is not None:
        _say("check: --choose is for choice rubrics; give a reply with --text, a FILE or -")
        return EXIT_USAGE
    if (args.text is not None) + (args.file is not None) != 1:
        _say("check: give the reply with --text TEXT, or as a FILE, or '-' for stdin (one of them)")
        return EXIT_USAGE
    try:
        reply = _read_reply(args)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    scenario = rubric.scenario
    if args.platform or args.name or args.handle:
        scenario = (scenario or Scenario()).overridden(args.platform, args.name, args.handle)
    result = rubric.check(reply, scenario)
    if args.situation:
        # A general rubric says what its verdict is worth, in the report itself.
        from .situations import SECOND_OPINION

        if args.json:
            _print_json({**result.to_dict(), "note": SECOND_OPINION})
        else:
            _print_result(result, False)
            _out("\n" + SECOND_OPINION)
    else:
        _print_result(result, args.json)
    return EXIT_OK if result.passed else EXIT_FAIL


def _check_conversation(rubric: ConversationRubric, args: argparse.Namespace) -> int:
    """A whole conversation: replies from --reply, a FILE, or asked turn by turn."""
    from .commands._threads import conversation_replies, next_post_text

    if args.choose is not None:
        _say("check: --choose is for choice rubrics; give the replies with --reply TEXT")
        return EXIT_USAGE
    try:
        replies = conversation_replies(rubric, args, _read_reply, _say)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    if replies is None:
        _say(
            f"check: {rubric.file} is a conversation of {len(rubric.turns)} turns; give one "
            "--reply TEXT per turn, a FILE with replies separated by lines of ---, or run it "
            "at a terminal to answer turn by turn"
        )
        return EXIT_USAGE
    result = rubric.check(replies)
    _print_result(result, args.json)
    more = next_post_text(rubric, replies)
    if more and not args.json:
        _out(more)
    return EXIT_OK if result.passed else EXIT_FAIL


def _check_triage(rubric: TriageRubric, args: argparse.Namespace) -> int:
    """A sorted queue from a FILE (YAML or JSON); without one, the queue and a template."""
    from .commands._threads import queue_text, read_sorting
    from .errors import RubricError

    if args.choose is not None or args.reply or args.text is not None:
        _say("check: a triage takes its sorting as a FILE (YAML or JSON), or - for stdin")
        return EXIT_USAGE
    if args.file is None:
        _out(queue_text(rubric))
        _say("check: give your sorting as a FILE (the template above), or - for stdin")
        return EXIT_USAGE
    try:
        text = _read_reply(args)
        data = read_sorting(text, "stdin" if args.file == "-" else args.file)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except RubricError as exc:
        where = "; ".join(str(problem) for problem in exc.problems)
        _say(f"check: the sorting cannot be read: {where}")
        return EXIT_USAGE
    if not isinstance(data, dict):
        _say(
            "check: the sorting must map each item id to an action and a reason, "
            "e.g. 'c01: reply waiting'"
        )
        return EXIT_USAGE
    result = rubric.check(data)
    _print_result(result, args.json)
    return EXIT_OK if result.passed else EXIT_FAIL


def _print_result(result: object, as_json: bool) -> None:
    if as_json:
        _print_json(result.to_dict())  # type: ignore[attr-defined]
    else:
        color = _color(sys.stdout)
        _out(result.to_text(color=color), keep_sgr=color)  # type: ignore[attr-defined]


def cmd_list(args: argparse.Namespace) -> int:
    from .errors import RubricError
    from .examples import find_rubrics
    from .loader import SITUATIONS, load_rubric
    from .situations import load_situation

    rows = []
    for name in SITUATIONS:
        r = load_situation(name)
        rows.append({"situation": name, "title": r.title, "criteria": len(r.criteria)})  # type: ignore[union-attr]
    platforms = [{"platform": p.id, "label": p.label, "limit": p.limit} for p in PLATFORMS.values()]
    rubrics = []
    for f in find_rubrics(args.paths) if args.paths else []:
        try:
            _check_not_device(f)
            r = load_rubric(f)
        except RubricError as exc:
            rubrics.append(
                {"file": str(f), "error": f"{len(exc.problems)} problem(s); run validate"}
            )
            continue
        rubrics.append({"file": str(f), "id": r.id, "kind": r.kind, "title": r.title})
    if args.json:
        _print_json({"situations": rows, "platforms": platforms, "rubrics": rubrics})
        return EXIT_OK
    print("Situations (use with: skischool check --situation NAME):")
    for row in rows:
        _out(f"  {row['situation']:<15} {row['title']} ({row['criteria']} criteria)")
    print("Platforms (use with: skischool check ... --platform NAME):")
    for p in platforms:
        print(f"  {p['platform']:<15} {p['label']} (replies up to {p['limit']:,} characters)")
    if args.paths:
        print("Rubrics:")
        for r in rubrics:
            if "error" in r:
                _out(f"  {r['file']}: {r['error']}")
            else:
                _out(f"  {r['file']}  [{r['kind']}] {r['title']}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .schemadoc import concept_json_schema, json_schema

    schema = concept_json_schema() if args.concept else json_schema()
    _print_json(schema, indent=2)
    return EXIT_OK


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` through a temporary file in the same folder, renamed into place.

    A full disk, a Ctrl-C or a target that turns out to be a folder then leaves the old file
    (or none), never a truncated JSON that the browser would load and choke on.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def cmd_compile(args: argparse.Namespace) -> int:
    from .errors import RubricError
    from .situations import compile_yaml

    if args.out:
        out_dir = Path(args.out)
        if out_dir.exists() and not out_dir.is_dir():
            _say(f"compile: --out {out_dir} is a file, not a folder")
            return EXIT_USAGE
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _say(f"compile: cannot create the folder {out_dir}: {_reason(exc)}")
            return EXIT_USAGE
    status = EXIT_OK
    for raw in args.paths:
        src = Path(raw)
        out = Path(args.out) / (src.stem + ".json") if args.out else src.with_suffix(".json")
        try:
            _check_not_device(src)
            text = compile_yaml(src)
        except RubricError as exc:
            _say(str(exc))
            status = max(status, EXIT_FAIL)
            continue
        try:
            write_atomic(out, text)
        except OSError as exc:
            _say(f"compile: cannot write {out}: {_reason(exc)}")
            status = EXIT_USAGE
            continue
        _out(f"{src} -> {out}")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="skischool", description="Social Media Ski School: check replies against rubrics."
    )
    parser.add_argument("--version", action="version", version=f"skischool {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser(
        "validate", help="check rubric files and folders; exits 1 listing every error"
    )
    v.add_argument("paths", nargs="+", metavar="PATH")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser("check", help="judge a reply against a rubric or a situation")
    c.add_argument("rubric", nargs="?", metavar="RUBRIC", help="a rubric file (.yaml or .json)")
    c.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=f"the reply in a file (UTF-8, at most {MAX_REPLY_TEXT}), or - for stdin",
    )
    c.add_argument(
        "--situation", metavar="NAME", help="use a general rubric: complaint, question, ..."
    )
    c.add_argument("--text", metavar="TEXT", help="the reply as text")
    c.add_argument(
        "--reply",
        metavar="TEXT",
        action="append",
        help="one reply of a conversation; repeat it, once per turn",
    )
    c.add_argument("--choose", metavar="IDS", help="option ids, comma-separated (choice rubrics)")
    c.add_argument(
        "--platform",
        metavar="NAME",
        type=_platform,
        help=f"platform of the post, which sets the length limit: {', '.join(PLATFORMS)}",
    )
    c.add_argument("--name", help="the name of the person replied to")
    c.add_argument("--handle", help="their handle")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(func=cmd_check)

    ls = sub.add_parser("list", help="show the situations, the platforms, and rubrics under PATHs")
    ls.add_argument("paths", nargs="*", metavar="PATH")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    s = sub.add_parser("schema", help="print the rubric JSON Schema (or the concept one)")
    s.add_argument("--concept", action="store_true", help="the schema of concept files")
    s.set_defaults(func=cmd_schema)

    co = sub.add_parser("compile", help="compile YAML rubrics to JSON for the browser")
    co.add_argument("paths", nargs="+", metavar="RUBRIC")
    co.add_argument("--out", metavar="DIR", help="write into DIR instead of beside each file")
    co.set_defaults(func=cmd_compile)

    from .commands import register_all

    register_all(sub)
    return parser


def _tolerant_stdout() -> Callable[[], None]:
    """Make stdout replace what its encoding cannot write (an emoji under LANG=C or
    PYTHONIOENCODING=ascii) instead of raising; returns the undo, for in-process callers."""
    stream = sys.stdout
    old = getattr(stream, "errors", None)
    if old is None or old in ("replace", "backslashreplace"):
        return lambda: None
    try:
        stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return lambda: None

    def undo() -> None:
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors=old)  # type: ignore[union-attr]

    return undo


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush is quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    undo = _tolerant_stdout()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "check" and args.situation and args.rubric and args.file is None:
            # `check --situation complaint reply.txt`: the lone positional is the reply file.
            args.file, args.rubric = args.rubric, None
        status = int(args.func(args))
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk or a closed pipe shows here, inside the handlers
        return status
    except CommandError as exc:
        _say(f"skischool: {exc}")
        return EXIT_FAIL
    except KeyboardInterrupt:
        _say("skischool: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `skischool list | head -1`: the reader has all it wanted
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:  # writing the output failed: disk full, a closed descriptor
        where = f" {exc.filename}" if exc.filename else ""
        _say(f"skischool: cannot write the output{where}: {_reason(exc)}")
        return EXIT_USAGE
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("SKISCHOOL_DEBUG") == "1":
            raise
        _say(
            f"skischool: internal error: {type(exc).__name__}: {exc} "
            "(please report it; SKISCHOOL_DEBUG=1 shows the traceback)"
        )
        return EXIT_INTERNAL
    finally:
        undo()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
