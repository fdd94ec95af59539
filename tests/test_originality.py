"""Course text is our own: no run of 8 words from the seed essay or the research notes.

The sources are not shipped with the course, so the test keeps only hashed 8-word shingles of them
(tests/data/source-shingles.txt). Regenerate after the sources change with:
    python -m tests.test_originality /path/to/shared
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from .conftest import ROOT

N = 8
SHINGLES = ROOT / "tests" / "data" / "source-shingles.txt"
COURSE_GLOBS = (
    "lessons/**/*.md",
    "exercises/**/*.md",
    "exercises/**/*.yaml",
    "book/*.md",
    "book/*.yml",
    "book/images/*.svg",
    "src/skischool/rubrics/*.yaml",
    "README.md",
    "CONTRIBUTING.md",
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


_URL = re.compile(r"https?://\S+|www\.\S+")


def words(text: str) -> list[str]:
    text = _URL.sub(" ", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return _WORD.findall(text)


def shingles(text: str) -> dict[str, str]:
    """Hash of every run of N words, mapped to the words themselves (for the failure message)."""
    ws = words(text)
    out = {}
    for i in range(len(ws) - N + 1):
        run = " ".join(ws[i : i + N])
        out[hashlib.sha1(run.encode()).hexdigest()[:16]] = run
    return out


# The references page names the sources' titles and authors on purpose.
EXCLUDED = {ROOT / "book" / "references.md"}


def course_files() -> list[Path]:
    found = {p for g in COURSE_GLOBS for p in ROOT.glob(g) if p.is_file()}
    return sorted(found - EXCLUDED)


def test_fingerprints_are_present() -> None:
    known = SHINGLES.read_text(encoding="utf-8").split()
    assert len(known) > 1000, "the source fingerprints look empty; regenerate them"


def test_no_eight_word_run_from_the_sources() -> None:
    known = set(SHINGLES.read_text(encoding="utf-8").split())
    hits = []
    for path in course_files():
        for digest, run in shingles(path.read_text(encoding="utf-8")).items():
            if digest in known:
                hits.append(f"{path.relative_to(ROOT)}: “{run}”")
    assert not hits, "text copied from the seed essay or research notes:\n" + "\n".join(hits)


def test_the_detector_catches_a_copied_sentence() -> None:
    """The check must be able to fail: case, punctuation and quotes do not hide a copied run."""
    fake = {hashlib.sha1(b"a b c d e f g h").hexdigest()[:16]}
    assert set(shingles("A b C d, e f g h!")) & fake


def main(shared: Path) -> None:
    sources = [shared / "seed" / "origin-essay.txt", *sorted((shared / "research").glob("*.md"))]
    digests = set()
    for src in sources:
        digests |= set(shingles(src.read_text(encoding="utf-8")))
    SHINGLES.write_text("\n".join(sorted(digests)) + "\n", encoding="utf-8")
    print(f"{len(digests)} shingles from {len(sources)} files -> {SHINGLES}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
