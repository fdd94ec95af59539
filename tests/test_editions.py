"""The learner and instructor editions (book/_ext/edition.py, skischool.live.seal).

The learner edition must hold no facilitator note, no readable model reply and no answer key
anywhere in what it publishes: HTML, notebooks, JSON, scripts, the search index. The instructor
edition must hold all of them, so that the search for them can fail. The unit tests cover the
directives in a small Sphinx project, cutting the published source, sealing, and the ranking of
the mistakes to expect.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skischool.course import Course
from skischool.live import seal as seal_module
from skischool.live.page import Session
from skischool.live.seal import (
    PREFIX,
    SealError,
    for_learners,
    is_sealed,
    new_key,
    open_compiled,
    seal,
    unseal,
)
from skischool.loader import rubric_from_dict
from skischool.model import ReplyRubric
from skischool.situations import compile_yaml

from .conftest import ROOT, criterion, reply_rubric_data

EXT = ROOT / "book" / "_ext"
sys.path.insert(0, str(EXT))  # the extension's modules, as Sphinx loads them

import instructor_material  # noqa: E402
import mistakes  # noqa: E402
import source_strip  # noqa: E402

COURSE = Course.load(ROOT)


# --- words, as both editions' files are searched ---------------------------------------------

WORD_RE = re.compile(r"[^\W_]+")
TAG_RE = re.compile(r"<[^>]+>")
UNICODE_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")
#: A sentence this long is distinctive enough to be looked for.
MIN_WORDS = 8


def words(text: str) -> str:
    """Lower-case words, one space apart: the same for Markdown, HTML, JSON and scripts."""
    return " ".join(WORD_RE.findall(text.lower()))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def file_words(path: Path) -> str | None:
    """A published file's text as words, or None when it is not text (a wheel, Wasm)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix in {".json", ".ipynb"}:
        try:
            return words(" ".join(_strings(json.loads(raw))))
        except ValueError:
            pass
    if path.suffix in {".html", ".htm", ".xml", ".svg"}:
        raw = html.unescape(TAG_RE.sub(" ", raw))
    if path.suffix in {".js", ".mjs"}:
        raw = UNICODE_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), raw)
        raw = raw.replace("\\n", " ").replace('\\"', '"')
    return words(raw)


def site_words(site: Path) -> dict[str, str]:
    """Every text file under a built site, as words, by its path in the site."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.stat().st_size < 30_000_000:
            text = file_words(path)
            if text:
                out[path.relative_to(site).as_posix()] = f" {text} "
    return out


def sentences(text: str) -> list[str]:
    """The text's sentences, as words, long enough to be distinctive."""
    out = []
    for s in SENTENCE_RE.split(" ".join(text.split())):
        w = words(s)
        if len(w.split()) >= MIN_WORDS:
            out.append(w)
    return out


# --- what only instructors may read, taken from the sources ----------------------------------

FACILITATOR_RE = re.compile(r"^```\{facilitator\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)
INSTRUCTOR_BLOCK_RE = re.compile(
    r"^(`{3,})\{(?:instructor-only|facilitator|session-plan|mistakes-to-expect)\}[^\n]*\n(.*?)^\1\s*$",
    re.S | re.M,
)
ROLE_RE = re.compile(r"\{[\w:-]+\}`[^`]*`")


def learner_sources() -> str:
    """What learners may read anywhere: every page with its instructor blocks removed, and each
    rubric without its model reply and examples (the learner edition ships the rest)."""
    texts = []
    for path in sorted([*ROOT.glob("lessons/**/*.md"), *ROOT.glob("exercises/**/*.md")]):
        texts.append(INSTRUCTOR_BLOCK_RE.sub(" ", path.read_text(encoding="utf-8")))
    texts += [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("book/**/*.md"))]
    for ex in COURSE.exercises():
        assert ex.rubric_path is not None
        data = yaml.safe_load(ex.rubric_path.read_text(encoding="utf-8"))
        data.pop("model_reply", None)
        data.pop("examples", None)
        texts.append(" ".join(_strings(data)))
    return f" {words(' '.join(texts))} "


@pytest.fixture(scope="module")
def public() -> str:
    return learner_sources()


#: Sentences looked for per piece of material: its first, its last and some between, so that a
#: part of it that leaks is seen too, and the search of every file stays a few seconds.
NEEDLES_PER_ITEM = 5


def distinctive(text: str, public: str) -> list[str]:
    """Sentences of ``text`` that learners cannot read anywhere else in the course, spread
    over the whole text."""
    found = [s for s in sentences(ROLE_RE.sub(" ", text)) if f" {s} " not in public]
    if len(found) <= NEEDLES_PER_ITEM:
        return found
    step = (len(found) - 1) / (NEEDLES_PER_ITEM - 1)
    return [found[round(i * step)] for i in range(NEEDLES_PER_ITEM)]


def hidden_material(public: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (the built page that shows it to instructors, its distinctive sentences)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for lesson in COURSE.lessons:
        text = lesson.path.read_text(encoding="utf-8")
        notes = FACILITATOR_RE.findall(text)
        if lesson.path.name != "index.md":
            assert len(notes) == 1, f"{lesson.docname}: expected one ```{{facilitator}} block"
        for i, note in enumerate(notes):
            found[f"facilitator notes of {lesson.docname} #{i}"] = (
                f"{lesson.docname}.html",
                distinctive(note, public),
            )
        blocks = [b for _, b in INSTRUCTOR_BLOCK_RE.findall(text)]
        only = [b for b in blocks if b not in notes]
        if only:
            found[f"instructor material of {lesson.docname}"] = (
                f"{lesson.docname}.html",
                distinctive(" ".join(only), public),
            )
    for ex in COURSE.exercises():
        rubric = ex.rubric()
        page = f"{COURSE.page(ex.page).docname}.html"
        if isinstance(rubric, ReplyRubric):
            found[f"model reply of {ex.key}"] = (page, distinctive(rubric.model_reply, public))
            texts = " ".join(e.text for e in rubric.examples)
            found[f"sample answers of {ex.key}"] = (page, distinctive(texts, public))
    return found


def test_every_piece_of_hidden_material_can_be_looked_for(public: str) -> None:
    """Each facilitator note, model reply and set of sample answers has a sentence no learner
    page holds: otherwise the edition tests below could not see it leak."""
    material = hidden_material(public)
    assert len([k for k in material if k.startswith("facilitator")]) >= 21
    assert len([k for k in material if k.startswith("model reply")]) >= 21
    assert len([k for k in material if k.startswith("instructor material")]) == len(COURSE.levels)
    empty = [name for name, (_, needles) in material.items() if not needles]
    assert not empty, f"nothing distinctive to look for in: {empty}"


# --- the built editions ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def learner_files(site: Path) -> dict[str, str]:
    return site_words(site)


@pytest.fixture(scope="module")
def instructor_files(instructor_site: Path) -> dict[str, str]:
    return site_words(instructor_site)


def test_the_learner_edition_publishes_no_instructor_material(
    learner_files: dict[str, str], public: str
) -> None:
    """Not in a page, a notebook, a rubric file, a script, the search index or a source copy."""
    assert len(learner_files) > 500, "the walk found too few files to be the whole site"
    leaks = []
    for name, (_, needles) in hidden_material(public).items():
        for needle in needles:
            where = [f for f, text in learner_files.items() if f" {needle} " in text]
            if where:
                leaks.append(f"{name}: “{needle[:60]}…” in {', '.join(where[:4])}")
    assert not leaks, "the learner edition publishes instructor material:\n" + "\n".join(leaks)


def test_the_instructor_edition_shows_it_all_on_the_page(
    instructor_files: dict[str, str], public: str
) -> None:
    """Each note on its lesson, each model reply and sample answer on its exercise page."""
    missing = []
    for name, (page, needles) in hidden_material(public).items():
        text = instructor_files.get(page, "")
        if not any(f" {needle} " in text for needle in needles):
            missing.append(f"{name}: not on {page}")
    assert not missing, "the instructor edition lacks:\n" + "\n".join(missing)


def _search_index(site: Path) -> dict[str, set[str]]:
    """Docname -> the stemmed words Sphinx's search index holds for it."""
    raw = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])
    terms: dict[str, set[str]] = defaultdict(set)
    for kind in ("terms", "titleterms"):
        for term, docs in data[kind].items():
            for doc in docs if isinstance(docs, list) else [docs]:
                terms[data["docnames"][doc]].add(term)
    return terms


def _stems(text: str, shortest: int = 1) -> set[str]:
    from sphinx.search.en import SearchEnglish

    lang = SearchEnglish({})
    found = WORD_RE.findall(text.lower())
    return {lang.stem(w) for w in found if len(w) >= shortest and w.isalpha()}


def test_the_search_index_finds_instructor_words_only_in_the_instructor_edition(
    site: Path, instructor_site: Path
) -> None:
    """The search index holds stemmed words, not sentences: a word of a facilitator note that
    its learner page does not show must not lead a learner's search to that page."""
    learner, instructor = _search_index(site), _search_index(instructor_site)
    leaks, unseen = [], []
    for lesson in COURSE.lessons:
        notes = " ".join(FACILITATOR_RE.findall(lesson.path.read_text(encoding="utf-8")))
        if not notes:
            continue
        shown = (site / f"{lesson.docname}.html").read_text(encoding="utf-8")
        only_in_notes = _stems(notes, 4) - _stems(html.unescape(TAG_RE.sub(" ", shown)))
        if learner[lesson.docname] & only_in_notes:
            leaks.append(f"{lesson.docname}: {sorted(learner[lesson.docname] & only_in_notes)}")
        if only_in_notes and not instructor[lesson.docname] & only_in_notes:
            unseen.append(lesson.docname)
    assert not leaks, "the learner search index holds facilitator words:\n" + "\n".join(leaks)
    assert not unseen, f"the instructor search index lacks the notes of {unseen}"
    raw = (site / "searchindex.js").read_text(encoding="utf-8")
    assert "Facilitator notes" not in raw and "Teaching this level" not in raw
    assert "Facilitator notes" in (instructor_site / "searchindex.js").read_text(encoding="utf-8")


def _rubric_files(site: Path) -> list[Path]:
    """Every compiled rubric the browser can fetch (the drive's course.json is the course file)."""
    live = site / "live"
    drive = [p for p in (live / "files").rglob("*.json") if p != live / "files" / "course.json"]
    return sorted([*(live / "rubrics").rglob("*.json"), *drive])


def _build_key(site: Path) -> bytes:
    wheel = next((site / "live" / "pypi").glob("skischool-*-py3-none-any.whl"))
    with zipfile.ZipFile(wheel) as z:
        source = z.read("skischool/live/_seal_key.py").decode()
    m = re.search(r'KEY = "([0-9a-f]{64})"', source)
    assert m, "the wheel carries no seal key"
    return bytes.fromhex(m.group(1))


def test_learner_rubric_files_have_no_examples_and_a_sealed_model_reply(
    site: Path, learner_files: dict[str, str]
) -> None:
    files = _rubric_files(site)
    assert len(files) == 2 * len(list(COURSE.exercises()))
    key = _build_key(site)
    for path in files:
        rubric = json.loads(path.read_text(encoding="utf-8"))["rubric"]
        assert rubric["examples"] == [], path
        if "model_reply" in rubric:
            assert is_sealed(rubric["model_reply"]), path
            assert unseal(rubric["model_reply"], key).strip(), path
    # The key itself is in no readable file of the site (only inside the wheel, a zip).
    assert not [f for f, text in learner_files.items() if key.hex() in text.replace(" ", "")]


def test_a_learner_page_worker_opens_the_model_reply_only_with_its_build_key(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the worker does after an attempt: Session.model unseals with the wheel's key."""
    ex = COURSE.exercise("green-circle/01-trail-forum-reply")
    assert ex is not None
    compiled = (site / "live" / "rubrics" / f"{ex.key}.json").read_text(encoding="utf-8")
    session = Session("../../")
    info = json.loads(session.open(ex.key, compiled))
    assert info["has_model"] is True
    first_words = ex.rubric().model_reply.split()[:6]
    monkeypatch.setattr(seal_module, "installed_key", lambda: _build_key(site))
    # After one passing attempt the model reply is earned (skischool.reveal).
    earned = json.loads(session.model(ex.key, 1, True))
    assert " ".join(first_words) in html.unescape(earned["html"])
    monkeypatch.setattr(seal_module, "installed_key", new_key)  # another build's key
    shown = json.loads(session.model(ex.key, 1, True))["html"]
    assert "could not be opened" in shown and first_words[2] not in shown


def test_instructor_rubric_files_are_whole(instructor_site: Path) -> None:
    for path in _rubric_files(instructor_site):
        rubric = json.loads(path.read_text(encoding="utf-8"))["rubric"]
        assert rubric.get("examples"), path
        assert not is_sealed(rubric.get("model_reply", "")), path


def test_jupyterlite_lists_the_rubric_files_each_edition_ships(
    site: Path, instructor_site: Path
) -> None:
    """The notebooks' drive listing gives each file's real size, in both editions."""
    for root in (site, instructor_site):
        listed = 0
        for listing in (root / "live" / "api" / "contents").rglob("all.json"):
            for entry in json.loads(listing.read_text())["content"]:
                if entry["type"] == "file":
                    real = root / "live" / "files" / entry["path"]
                    assert entry["size"] == real.stat().st_size, (root, entry["path"])
                    listed += 1
        # One compiled rubric per exercise, and the built course file for progress_view().
        assert listed == len(list(COURSE.exercises())) + 1, root


def _load_build_live() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_live_editions", ROOT / "scripts" / "build_live.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_instructor_live_folder_is_made_from_the_learners_without_touching_it(
    tmp_path: Path,
) -> None:
    """build_live.py --edition instructor --base: the learner's folder linked, the rubrics
    written whole, the drive listing updated, and the learner's own files left as they were."""
    build_live = _load_build_live()
    model = build_live.course()
    key = new_key()
    content = tmp_path / "content"
    build_live.write_contents(model, content, "learner", key)
    base = tmp_path / "learner" / "live"
    for rubric in (content / "exercises").rglob("*.json"):
        rel = rubric.relative_to(content / "exercises")
        for target in (base / "rubrics" / rel, base / "files" / "exercises" / rel):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rubric.read_text())
    entries = [
        {"type": "file", "path": f"exercises/{p.relative_to(content / 'exercises').as_posix()}"}
        for p in (content / "exercises").rglob("*.json")
    ]
    listing = base / "api" / "contents" / "exercises" / "all.json"
    listing.parent.mkdir(parents=True)
    listing.write_text(json.dumps({"content": [dict(e, size=1) for e in entries]}))
    (base / "engine.json").write_text('{"wheel": "w.whl"}')
    stamp = base / build_live.STAMP
    stamp.write_text("stale\n")
    out = tmp_path / "instructor" / "live"
    with pytest.raises(build_live.LiveBuildError, match="unknown edition"):
        build_live.build(out, edition="teacher", base=base)

    class FullBuild(Exception):
        pass

    def full_build(*args: object) -> None:
        raise FullBuild

    build_live.vendor_pyodide = full_build
    with pytest.raises(FullBuild):  # a stale learner folder is not used: a full build starts
        build_live.build(out, edition="instructor", base=base)
    stamp.write_text(build_live.inputs_hash("learner") + "\n")
    before = {p: p.read_bytes() for p in base.rglob("*") if p.is_file()}

    build_live.build(out, edition="instructor", base=base)

    assert {p: p.read_bytes() for p in base.rglob("*") if p.is_file()} == before
    whole = json.loads((out / "rubrics" / "green-circle" / "01-trail-forum-reply.json").read_text())
    assert whole["rubric"]["examples"] and not is_sealed(whole["rubric"]["model_reply"])
    assert (out / "engine.json").samefile(base / "engine.json")  # linked, not copied
    sizes = {
        e["path"]: e["size"]
        for e in json.loads((out / listing.relative_to(base)).read_text())["content"]
    }
    assert all(sizes[e["path"]] == (out / "files" / e["path"]).stat().st_size for e in entries)
    assert (out / build_live.STAMP).read_text().strip() == build_live.inputs_hash("instructor")


def _plan_rows(page_html: str) -> list[list[str]]:
    rows = []
    for table in re.findall(r'<table class="[^"]*skischool-plan.*?</table>', page_html, re.S):
        for tr in re.findall(r"<tr.*?</tr>", table, re.S):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
            rows.append([" ".join(html.unescape(TAG_RE.sub(" ", c)).split()) for c in cells])
    return rows


def test_level_pages_carry_plans_prompts_and_mistakes_for_instructors_only(
    site: Path, instructor_site: Path
) -> None:
    """Plans take each lesson's minutes from its facilitator notes and add up; the mistakes
    are the ranking of mistakes.py, in order, with the engine's own words."""
    for level in COURSE.levels:
        learner = (site / f"{level.index}.html").read_text(encoding="utf-8")
        assert "Teaching this level" not in learner and "skischool-plan" not in learner
        page = (instructor_site / f"{level.index}.html").read_text(encoding="utf-8")
        assert "Discussion prompts" in page and "Mistakes to expect" in page
        rows = _plan_rows(page)
        assert len(rows) > 8, level.slug
        for lesson in COURSE.lessons:
            if lesson.level != level.slug or lesson.path.name == "index.md":
                continue
            timing = re.search(r"\*\*Timing:\*\*\D*?(\d+) min", lesson.path.read_text())
            assert timing, lesson.docname
            ours = [r for r in rows if len(r) == 3 and words(r[2]).startswith(words(lesson.title))]
            assert ours and all(r[1] == timing.group(1) for r in ours), (lesson.docname, ours)
        ranked = mistakes.level_mistakes(COURSE, level.slug)[: instructor_material.DEFAULT_LIMIT]
        text = " ".join(html.unescape(TAG_RE.sub(" ", page)).split())
        positions = [text.find(" ".join(m.message.split())) for m in ranked]
        assert all(p >= 0 for p in positions), level.slug
        assert positions == sorted(positions), f"{level.slug}: mistakes out of order"


def test_lessons_show_facilitator_notes_only_in_the_instructor_edition(
    site: Path, instructor_site: Path
) -> None:
    for lesson in COURSE.lessons:
        if lesson.path.name == "index.md":
            continue
        learner = (site / f"{lesson.docname}.html").read_text(encoding="utf-8")
        assert 'id="facilitator-notes"' not in learner and "#facilitator-notes" not in learner
        source = (site / "_sources" / f"{lesson.docname}.md").read_text(encoding="utf-8")
        assert "{facilitator}" not in source and "## Facilitator notes" not in source
        assert "## Habit to build" in source  # the rest of the source is there
        page = (instructor_site / f"{lesson.docname}.html").read_text(encoding="utf-8")
        assert 'id="facilitator-notes"' in page and 'class="facilitator admonition"' in page
        assert "dropdown" not in re.search(r'<div class="facilitator[^"]*"', page).group(0)


# --- the directives, in a small Sphinx project ---------------------------------------------

SMALL_INDEX = """\
# Page

Intro for everyone.

```{toctree}
other
```

## Kept section

Learner words stay here.

```{instructor-only}
Secret plan words for the room.
```

## Teaching

### A plan

```{session-plan} Morning
:start: 9:30
15 | Welcome, then {doc}`other`.
other | Run the activity.
5 | Close.
```

## Facilitator notes

````{facilitator}
**Timing:** about 40 minutes.

Give each person three sticky notes.

```{note}
A nested note for the facilitator.
```
````
"""
SMALL_OTHER = "# Other\n\n```{facilitator}\n**Timing:** about 25 minutes.\n```\n"


def _small_build(tmp: Path, edition: str) -> subprocess.CompletedProcess[str]:
    src = tmp / "src"
    if not src.exists():
        src.mkdir()
        (src / "conf.py").write_text(
            f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
            'extensions = ["myst_parser", "edition"]\nproject = "Small"\nhtml_theme = "basic"\n'
        )
        (src / "index.md").write_text(SMALL_INDEX)
        (src / "other.md").write_text(SMALL_OTHER)
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(src), str(tmp / edition)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SKISCHOOL_EDITION": edition},
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("editions")
    for edition in ("learner", "instructor"):
        proc = _small_build(tmp, edition)
        assert proc.returncode == 0, proc.stderr
    return tmp


def test_the_learner_edition_drops_instructor_blocks_and_their_emptied_sections(
    small: Path,
) -> None:
    page = (small / "learner" / "index.html").read_text()
    assert "Learner words stay here." in page and "Intro for everyone." in page
    for gone in ("Secret plan", "sticky notes", "nested note", "Morning", "Welcome"):
        assert gone not in page, gone
    # Emptied sections go, headings and "On this page" entries included; kept ones stay.
    assert 'id="kept-section"' in page and "#kept-section" in page
    for anchor in ("facilitator-notes", "teaching", "a-plan"):
        assert f'id="{anchor}"' not in page and f'href="#{anchor}"' not in page, anchor
    source = (small / "learner" / "_sources" / "index.md.txt").read_text()
    assert "Secret" not in source and "## Facilitator notes" not in source
    assert "## Teaching" not in source and "## Kept section" in source
    index = (small / "learner" / "searchindex.js").read_text()
    assert "sticki" not in index and "secret" not in index and "Facilitator" not in index


def test_the_instructor_edition_opens_them(small: Path) -> None:
    page = (small / "instructor" / "index.html").read_text()
    assert "Secret plan words for the room." in page and "nested note" in page
    assert 'id="facilitator-notes"' in page and "#facilitator-notes" in page
    notes = re.search(r'<div class="facilitator admonition">.*?sticky notes', page, re.S)
    assert notes and "Facilitator notes" in notes.group(0)
    rows = _plan_rows(page)
    assert rows[1][:2] == ["9:30", "15"] and rows[2][:2] == ["9:45", "25"]
    # A lesson row starts with the lesson's own title, linked.
    assert rows[2][2].startswith("Other") and rows[2][2].endswith("Run the activity.")
    assert re.search(r'<a class="reference internal" href="other.html">', page)
    assert rows[-1][:2] == ["10:15", "45"] and "Total: 45 min" in rows[-1][2]
    assert "Secret" in (small / "instructor" / "_sources" / "index.md.txt").read_text()
    assert "Instructor edition" in page  # the site's title says which edition it is


def test_an_unknown_edition_stops_the_build(tmp_path: Path) -> None:
    proc = _small_build(tmp_path, "teacher")
    assert proc.returncode != 0
    assert "SKISCHOOL_EDITION='teacher'" in proc.stderr and "learner, instructor" in proc.stderr


def test_a_plan_row_needs_a_lesson_with_a_timing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT)!r})\nextensions = ['myst_parser', 'edition']\n"
    )
    (src / "index.md").write_text("# P\n\n```{session-plan}\nmissing | Nothing.\n```\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(src), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0 and "no lesson missing.md" in proc.stderr


# --- cutting the published source ----------------------------------------------------------


def test_strip_source_cuts_blocks_and_headings_left_empty() -> None:
    text = (
        "# T\n\nIntro.\n\n## Keep\n\nWords.\n\n```{instructor-only}\nx\n```\n\n"
        "## Notes\n\n````{facilitator}\n```{note}\ninner\n```\n````\n\n## After\n\nEnd.\n"
    )
    out = source_strip.strip_source(text)
    assert out == "# T\n\nIntro.\n\n## Keep\n\nWords.\n\n## After\n\nEnd.\n"


def test_strip_source_keeps_code_and_unrelated_directives() -> None:
    text = (
        "## A\n\n```python\n```{facilitator}\n```\n\n:::{note}\nkept\n:::\n\n"
        ":::{instructor-only}\ngone\n:::\n"
    )
    out = source_strip.strip_source(text)
    assert "```python\n```{facilitator}\n```" in out  # inside a code block: only an example
    assert ":::{note}\nkept\n:::" in out and "gone" not in out and "## A" in out
    plain = "# Nothing for instructors\n\n```{note}\nx\n```\n"
    assert source_strip.strip_source(plain) == plain


def test_strip_source_removes_nested_emptied_sections_only() -> None:
    text = "## Teach\n\n### Plan\n\n```{session-plan}\n5 | x\n```\n\n### Empty anyway\n\n## Next\n"
    out = source_strip.strip_source(text)
    # "Empty anyway" never held instructor material, so it stays, and keeps "Teach" alive.
    assert out == "## Teach\n\n### Empty anyway\n\n## Next\n"


def test_drop_toc_entries_removes_missing_anchors_with_their_children() -> None:
    toc = (
        '<ul>\n<li><a class="reference internal" href="#">Page</a><ul>\n'
        '<li><a class="reference internal" href="#kept">Kept</a></li>\n'
        '<li><a class="reference internal" href="#gone">Gone</a><ul>\n'
        '<li><a class="reference internal" href="#child">Child</a></li>\n</ul>\n</li>\n'
        "</ul>\n</li>\n</ul>\n"
    )
    out = source_strip.drop_toc_entries(toc, {"kept", "child"})
    assert "#kept" in out and "#gone" not in out and "#child" not in out and 'href="#"' in out
    only_page = source_strip.drop_toc_entries(toc, set())
    assert "<ul>\n</ul>" not in only_page and 'href="#">Page</a>' in only_page


# --- sealing ----------------------------------------------------------------------------------


def test_seal_round_trip_and_wrong_key_fails_cleanly() -> None:
    key = new_key()
    for text in ("", "Hi Rach 🙂 <b>&amp;</b>", "x" * 5000, "line\nbreak\u0000"):
        sealed = seal(text, key)
        assert sealed.startswith(PREFIX)
        assert not text or text not in sealed
        assert unseal(sealed, key) == text
        assert seal(text, key) == sealed  # same key, same text: same file
    sealed = seal("A model reply.", key)
    with pytest.raises(SealError, match="another key"):
        unseal(sealed, new_key())
    damaged = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    for bad in (damaged, PREFIX + "!!", PREFIX, "plain text"):
        with pytest.raises(SealError):
            unseal(bad, key)
    with pytest.raises(SealError, match="32 bytes"):
        seal("x", b"short")


def test_for_learners_drops_examples_and_seals_only_the_model_reply() -> None:
    path = ROOT / "exercises" / "green-circle" / "01-trail-forum-reply.yaml"
    whole = compile_yaml(path, positions=False)
    key = new_key()
    shipped = for_learners(whole, key)
    doc, before = json.loads(shipped), json.loads(whole)
    assert doc["rubric"]["examples"] == [] and before["rubric"]["examples"]
    assert unseal(doc["rubric"]["model_reply"], key) == before["rubric"]["model_reply"]
    del before["rubric"]["examples"], before["rubric"]["model_reply"]
    del doc["rubric"]["examples"], doc["rubric"]["model_reply"]
    assert doc == before, "nothing else changes"
    assert for_learners(shipped, key) == shipped  # sealing twice changes nothing
    choice = compile_yaml(path.with_name("checkpoint-q1.yaml"), positions=False)
    assert json.loads(for_learners(choice, key))["rubric"]["examples"] == []
    with pytest.raises(SealError):
        for_learners("[]", key)


def test_the_notebook_form_opens_a_learner_rubric(tmp_path: Path) -> None:
    """skischool.live.exercise reads the shipped file: no examples needed, reply unsealed."""
    path = ROOT / "exercises" / "green-circle" / "01-trail-forum-reply.yaml"
    key = new_key()
    shipped = tmp_path / "01-trail-forum-reply.json"
    shipped.write_text(for_learners(compile_yaml(path, positions=False), key))
    rubric = open_compiled(shipped, key)
    original = COURSE.exercise("green-circle/01-trail-forum-reply")
    assert original is not None
    assert rubric.model_reply == original.rubric().model_reply and not rubric.examples
    assert open_compiled(shipped, new_key()).model_reply == ""  # wrong key: no model, no crash


# --- the mistakes to expect -----------------------------------------------------------------


def test_mistakes_are_ranked_by_how_many_wrong_answers_miss_them() -> None:
    reply = rubric_from_dict(
        reply_rubric_data(
            [
                criterion("length", "long-enough", min=20, severity="warning", weight=2),
                criterion("avoid", "no-dm", phrases=["DM us"], severity="error"),
            ],
            examples=[
                {"expect": "fail", "text": "Hi."},
                {"expect": "fail", "text": "Ok then."},
                {"expect": "fail", "text": "Please DM us about the problem you had today."},
                {"expect": "fail", "text": "DM us."},
                {"expect": "fail", "text": "Thanks for telling us, we are fixing it today."},
                {"expect": "pass", "text": "Thanks for telling us, we are fixing it today."},
            ],
        )
    )
    choice = rubric_from_dict(
        {
            "kind": "choice",
            "title": "Pick",
            "question": "Which?",
            "options": [
                {"id": "good", "text": "The good one", "score": 100, "feedback": "Yes."},
                {"id": "tempting", "text": "The tempting one", "score": 40, "feedback": "Close."},
                {"id": "bad", "text": "The bad one", "score": 0, "feedback": "No, because."},
            ],
            "examples": [
                {"expect": "fail", "choose": ["tempting"]},
                {"expect": "fail", "choose": ["tempting"]},
                {"expect": "fail", "choose": ["tempting"]},
                {"expect": "fail", "choose": ["bad"]},
            ],
        }
    )
    ranked = mistakes.rank([("l/reply", "Reply", reply), ("l/choice", "Choice", choice)])
    got = [(m.key, m.criterion, m.fails, m.examples) for m in ranked]
    # 3 and 3 tie on count: the warning of the larger share (3 of 4) before 3 of 5.
    assert got == [
        ("l/choice", "tempting", 3, 4),
        ("l/reply", "long-enough", 3, 5),
        ("l/reply", "no-dm", 2, 5),
        ("l/choice", "bad", 1, 4),
    ]
    # The engine's own words for the first wrong answer that missed it.
    by = {m.criterion: m for m in ranked}
    assert by["tempting"].message == "Close." and by["tempting"].title == "The tempting one"
    assert by["no-dm"].severity == "error" and by["no-dm"].message


def test_red_flags_come_first_among_equals() -> None:
    r = rubric_from_dict(
        reply_rubric_data(
            [
                criterion("length", "long", min=30, severity="suggestion"),
                criterion("avoid", "flag", phrases=["DM us"], severity="error"),
            ],
            examples=[{"expect": "fail", "text": "DM us."}],
        )
    )
    assert [m.criterion for m in mistakes.rank([("l/r", "R", r)])] == ["flag", "long"]


def test_a_levels_ranking_counts_what_the_engine_says() -> None:
    """Recount the top mistakes of a real level straight from the engine."""
    from skischool.examples import run_examples

    ranked = mistakes.level_mistakes(COURSE, "green-circle")
    assert len(ranked) > 10
    top = ranked[0]
    ex = COURSE.exercise(top.key)
    assert ex is not None
    outcomes = [o for o in run_examples(ex.rubric()) if o.example.expect == "fail"]
    misses = sum(
        1
        for o in outcomes
        if not o.result.passed
        and any(c.id == top.criterion and c.met is False for c in o.result.criteria)
    )
    assert misses == top.fails and len(outcomes) == top.examples
    assert all(a.fails >= b.fails for a, b in itertools.pairwise(ranked))


def test_lesson_timings_are_read_from_facilitator_notes() -> None:
    assert instructor_material.lesson_minutes("**Timing:** about 45 minutes: 10 ...") == 45
    assert instructor_material.lesson_minutes("- **Timing:** about 35 minutes. Story") == 35
    assert instructor_material.lesson_minutes("**Timing:** 40 minutes: 10 to read") == 40
    assert instructor_material.lesson_minutes("No timing here.") is None
    for lesson in COURSE.lessons:
        if lesson.path.name != "index.md":
            text = lesson.path.read_text(encoding="utf-8")
            assert instructor_material.lesson_minutes(text), lesson.docname
    assert instructor_material.duration(225) == "3 h 45 min"
