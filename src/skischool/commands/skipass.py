"""``skischool ski-pass``: make the ski pass, once every level's checkpoint is passed.

skischool ski-pass --name NAME [--store PATH | --file progress.json] [--out DIR]
                   [--issuer-name ORG --issuer-url URL [--issuer-id URI]]
                   [--key FILE [--key-id URL]]

Writes ``ski-pass.svg`` (the card) and ``ski-pass.json`` (an Open Badges 3.0 credential) into
DIR; with ``--key``, and where the ``cryptography`` package is installed, also
``ski-pass.jwt``, the credential signed by that key. Not earned yet: it says which checkpoint
exercises are still to pass, and exits 1.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from . import CommandError

SVG_NAME, JSON_NAME, JWT_NAME = "ski-pass.svg", "ski-pass.json", "ski-pass.jwt"
_URL = re.compile(r"https?://[^\s<>\"'`\\]+")
# A scheme is short (RFC 3986 names none over 31 characters): bounding it keeps a search over
# any text linear, where an unbounded one retries every start of a long word.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}:[^\s<>\"'`\\]+")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ski-pass", help="make your ski pass (card and Open Badges credential)")
    p.add_argument("--name", required=True, help="your name, as printed on the pass")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--store", metavar="PATH", help="the progress store (default: your own)")
    source.add_argument("--file", metavar="FILE", help="a progress file (a download or export)")
    p.add_argument("--out", metavar="DIR", default=".", help="where to write (default: here)")
    p.add_argument("--issuer-name", metavar="ORG", help="the organisation awarding the pass")
    p.add_argument("--issuer-url", metavar="URL", help="its web address (https://...)")
    p.add_argument("--issuer-id", metavar="URI", help="its profile URL or DID (default: URL)")
    p.add_argument("--key", metavar="FILE", help="sign with this private key (PEM; RSA/Ed25519)")
    p.add_argument("--key-id", metavar="URL", help="where the matching public key is published")
    p.add_argument("--root", metavar="DIR", help="the course folder (default: found upwards)")
    p.set_defaults(func=run)


def not_yet(standing: Any) -> list[str]:
    """What is still to do, checkpoint by checkpoint, in encouraging and specific words."""
    from ..skipass import missing
    from ..standing_view import exercise_name

    course = standing.course
    done, total = standing.levels_done, len(standing.levels)
    lead = "You are on your way" if done else "Every skier starts on the nursery slope"
    lines = [
        f"No ski pass yet: {done} of {total} level checkpoints passed. {lead}!",
        "Still to pass:",
    ]
    for level, exercises in missing(standing):
        page = next((p for p in course.pages if p.level == level.level.slug and p.checkpoint), None)
        if page is None:
            lines.append(
                f"  {level.level.label} has no checkpoint yet, so no one can pass it; "
                "please tell your instructor"
            )
            continue
        lines.append(f"  {level.level.label}: {page.title} ({page.docname}.md)")
        for e in exercises:
            title = exercise_name(e.exercise)
            if e.attempts:
                tries = "once" if e.attempts == 1 else f"{e.attempts} times"
                state = f"tried {tries}, best {e.best} so far"
            else:
                state = "not started yet"
            lines.append(f"    - {title} ({state})")
    lines.append(
        "Try each one as often as you like: read the feedback, change one thing, and check "
        "again. Then run this command once more."
    )
    return lines


def _issuer(args: argparse.Namespace, course_title: str) -> Any:
    from ..skipass.badge import Issuer
    from ..skipass.text import clean_name

    if args.issuer_url and not _URL.fullmatch(args.issuer_url):
        raise CommandError(f"--issuer-url {args.issuer_url!r}: expected a web address, https://...")
    if args.issuer_id and not _URI.fullmatch(args.issuer_id):
        raise CommandError(
            f"--issuer-id {args.issuer_id!r}: expected a URI (https://... or did:...)"
        )
    if args.key_id and not _URL.fullmatch(args.key_id):
        raise CommandError(f"--key-id {args.key_id!r}: expected a web address, https://...")
    name = clean_name(args.issuer_name or "")
    if not name:
        if args.issuer_url or args.issuer_id:
            raise CommandError("--issuer-url and --issuer-id need --issuer-name too")
        return Issuer.default(course_title)
    return Issuer(name=name, url=args.issuer_url or "", id=args.issuer_id or "")


def run(args: argparse.Namespace) -> int:
    from ..cli import emit, write_atomic
    from ..skipass import signing
    from ..skipass.badge import credential
    from ..skipass.svg import day, ski_pass_svg
    from ..skipass.text import clean_name
    from ..standing import standing
    from .progress import load_course, read_attempts

    course = load_course(args.root)
    attempts, _source = read_attempts(args.store, args.file)
    where = standing(course, attempts, learner=args.name)
    if not where.ski_pass:
        for line in not_yet(where):
            emit(line)
        return 1
    name = clean_name(args.name)
    if not name:
        raise CommandError("--name is empty; expected the name to print on the pass")
    issuer = _issuer(args, course.title)
    key = None
    if args.key and issuer.self_issued:
        raise CommandError(
            "--key signs for an organisation: give its --issuer-name (and --issuer-url or "
            "--issuer-id), so whoever checks the pass knows whose key signed it"
        )
    if args.key:
        if not signing.available():
            raise CommandError(
                "signing needs the Python package 'cryptography', which is not installed here; "
                "install it (pip install cryptography), or leave out --key for an unsigned pass"
            )
        try:
            key = signing.load_key(Path(args.key))
        except signing.SigningError as exc:
            raise CommandError(str(exc)) from None
    svg = ski_pass_svg(where, name)
    cred = credential(where, name, svg, issuer)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out} is a file; expected a folder")
    files = {SVG_NAME: svg, JSON_NAME: json.dumps(cred, indent=2, ensure_ascii=False) + "\n"}
    if key is not None:
        files[JWT_NAME] = signing.sign(cred, key, key_id=args.key_id or "") + "\n"
    try:
        out.mkdir(parents=True, exist_ok=True)
        for file_name, content in files.items():
            write_atomic(out / file_name, content)
    except OSError as exc:
        raise CommandError(f"cannot write into {out}: {exc.strerror or exc}") from None
    emit(
        f"Congratulations, {name}! You earned the {course.title} ski pass on {day(where.ski_pass_on)}."
    )
    for file_name in files:
        emit(f"wrote {out / file_name}")
    if key is not None:
        emit(
            f"{JWT_NAME} is the credential signed by {issuer.name} (a VC-JWT): share that file "
            "with anyone who wants to check it."
        )
    else:
        how = "" if signing.available() else " (and the 'cryptography' package is not installed)"
        emit(
            f"{JSON_NAME} is unsigned{how}: it says what you did, but anyone could have typed it. "
            "An organisation can issue a signed one: see the book page 'Your ski pass'."
        )
        if (out / JWT_NAME).exists():
            emit(f"note: {out / JWT_NAME} is from an earlier, signed run and was left as it was")
    return 0
