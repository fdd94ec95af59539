"""The ``skischool`` command: validate rubrics, check a reply, list what is available.

Exit codes follow linters: 0 pass/valid, 1 fail/invalid, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 already; keep the message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _color(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def cmd_validate(args: argparse.Namespace) -> int:
    from .examples import find_rubrics, validate_file

    files = find_rubrics(args.paths)
    if not files:
        print("No rubric files found in: " + ", ".join(args.paths), file=sys.stderr)
        return EXIT_FAIL
    problems = []
    for f in files:
        problems.extend(validate_file(f))
    if args.json:
        print(
            json.dumps(
                {"files": len(files), "problems": [p.to_dict() for p in problems]},
                ensure_ascii=False,
            )
        )
    else:
        for p in problems:
            print(p)
        n = len(problems)
        status = "ok" if not n else f"{n} problem{'s' if n != 1 else ''}"
        print(f"{len(files)} rubric file{'s' if len(files) != 1 else ''} checked: {status}")
    return EXIT_FAIL if problems else EXIT_OK


def _read_reply(args: argparse.Namespace) -> str:
    if args.text is not None:
        return args.text
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    return data.decode("utf-8", errors="replace")


def cmd_check(args: argparse.Namespace) -> int:
    from .criteria.base import Scenario
    from .errors import RubricError
    from .loader import SITUATIONS, load_rubric
    from .model import ReplyRubric
    from .situations import load_situation

    if bool(args.rubric) == bool(args.situation):
        print("check: give a RUBRIC file or --situation NAME (one of them)", file=sys.stderr)
        return EXIT_USAGE
    if args.situation and args.situation not in SITUATIONS:
        print(
            f"check: unknown situation '{args.situation}'; expected one of: {', '.join(SITUATIONS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        rubric = load_situation(args.situation) if args.situation else load_rubric(args.rubric)
    except RubricError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    if not isinstance(rubric, ReplyRubric):
        if args.choose is None:
            ids = ", ".join(o.id for o in rubric.options)
            print(
                f"check: {rubric.file} is a choice rubric; pick with --choose IDS (from: {ids})",
                file=sys.stderr,
            )
            return EXIT_USAGE
        result = rubric.check([c for c in args.choose.split(",") if c.strip()])
        print(result.to_json() if args.json else result.to_text(color=_color(sys.stdout)))
        return EXIT_OK if result.passed else EXIT_FAIL
    if args.choose is not None:
        print(
            "check: --choose is for choice rubrics; give a reply with --text, a FILE or -",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if (args.text is not None) + (args.file is not None) != 1:
        print(
            "check: give the reply with --text TEXT, or as a FILE, or '-' for stdin (one of them)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        reply = _read_reply(args)
    except OSError as exc:
        print(f"check: cannot read the reply: {exc}", file=sys.stderr)
        return EXIT_USAGE
    scenario = rubric.scenario
    if args.platform or args.name or args.handle:
        scenario = (scenario or Scenario()).overridden(args.platform, args.name, args.handle)
    result = rubric.check(reply, scenario)
    if args.json:
        print(result.to_json())
    else:
        print(result.to_text(color=_color(sys.stdout)))
    return EXIT_OK if result.passed else EXIT_FAIL


def cmd_list(args: argparse.Namespace) -> int:
    from .errors import RubricError
    from .examples import find_rubrics
    from .loader import SITUATIONS, load_rubric
    from .situations import load_situation

    rows = []
    for name in SITUATIONS:
        r = load_situation(name)
        rows.append({"situation": name, "title": r.title, "criteria": len(r.criteria)})  # type: ignore[union-attr]
    rubrics = []
    for f in find_rubrics(args.paths) if args.paths else []:
        try:
            r = load_rubric(f)
        except RubricError as exc:
            rubrics.append(
                {"file": str(f), "error": f"{len(exc.problems)} problem(s); run validate"}
            )
            continue
        rubrics.append({"file": str(f), "id": r.id, "kind": r.kind, "title": r.title})
    if args.json:
        print(json.dumps({"situations": rows, "rubrics": rubrics}, ensure_ascii=False))
        return EXIT_OK
    print("Situations (use with: skischool check --situation NAME):")
    for row in rows:
        print(f"  {row['situation']:<15} {row['title']} ({row['criteria']} criteria)")
    if args.paths:
        print("Rubrics:")
        for r in rubrics:
            if "error" in r:
                print(f"  {r['file']}: {r['error']}")
            else:
                print(f"  {r['file']}  [{r['kind']}] {r['title']}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .schemadoc import concept_json_schema, json_schema

    schema = concept_json_schema() if args.concept else json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_compile(args: argparse.Namespace) -> int:
    from .errors import RubricError
    from .situations import compile_yaml

    status = EXIT_OK
    for raw in args.paths:
        src = Path(raw)
        out = Path(args.out) / (src.stem + ".json") if args.out else src.with_suffix(".json")
        try:
            text = compile_yaml(src)
        except RubricError as exc:
            print(str(exc), file=sys.stderr)
            status = EXIT_FAIL
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"{src} -> {out}")
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
    c.add_argument("file", nargs="?", metavar="FILE", help="the reply in a file, or - for stdin")
    c.add_argument(
        "--situation", metavar="NAME", help="use a general rubric: complaint, question, ..."
    )
    c.add_argument("--text", metavar="TEXT", help="the reply as text")
    c.add_argument("--choose", metavar="IDS", help="option ids, comma-separated (choice rubrics)")
    c.add_argument("--platform", help="platform of the post (x, facebook, ...)")
    c.add_argument("--name", help="the name of the person replied to")
    c.add_argument("--handle", help="their handle")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(func=cmd_check)

    ls = sub.add_parser("list", help="show the situations, and rubrics under PATHs")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check" and args.situation and args.rubric and args.file is None:
        # `check --situation complaint reply.txt`: the lone positional is the reply file.
        args.file, args.rubric = args.rubric, None
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `skischool check ... | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
