"""Progress in JupyterLite's notebooks (``skischool.live.persist``): real files, no mocks."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

import skischool.live
from skischool.live import MirroredStore, download_link_html
from skischool.progress import Attempt, ProgressWarning, parse_export
from skischool.situations import compile_yaml
from skischool.widgets import ReplyExercise

from .conftest import EXERCISES
from .test_progress import make as make_attempt

# Any ProgressWarning not expected via pytest.warns() means progress silently went missing.
pytestmark = pytest.mark.filterwarnings("error::skischool.progress.ProgressWarning")

#: Rubric stems (in exercises/bunny-hill/) compiled into the test site, as the build does.
STEMS = ("01-first-reply", "04-outsource-or-learn", "checkpoint-q1", "checkpoint-reply")

DATA_URL_RE = re.compile(r'href="data:application/json;charset=utf-8;base64,([A-Za-z0-9+/=]*)"')


def make(exercise: str = "bunny-hill-first-reply", **overrides: object) -> Attempt:
    """An attempt at a course exercise id; a failing one unless told otherwise."""
    fields: dict[str, object] = {"score": 60, "passed": False, "criteria_total": 5}
    return make_attempt(exercise, **{**fields, **overrides})


def write_json(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def compiled() -> dict[str, str]:
    """Real compiled rubric JSON for the course's own bunny-hill exercises (compiled once)."""
    return {stem: compile_yaml(EXERCISES / "bunny-hill" / f"{stem}.yaml") for stem in STEMS}


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    return tmp_path / "drive" / "skischool-progress" / "progress.json"


@pytest.fixture
def store(mirror: Path) -> MirroredStore:
    return MirroredStore(mirror)


def decoded_download(html: str) -> str:
    """The file a download link carries, decoded from its data: URL."""
    (payload,) = DATA_URL_RE.findall(html)
    return base64.b64decode(payload, validate=True).decode("utf-8")


# -- MirroredStore ---------------------------------------------------------------------------


def test_record_writes_mirror_as_an_export(store: MirroredStore, mirror: Path) -> None:
    assert not mirror.exists(), "nothing is written before the first attempt"
    first = make(answer="first", learner="Ana")
    store.record(first)
    assert parse_export(mirror.read_text(encoding="utf-8")) == [first]
    second = make("bunny-hill-outsource-or-learn", kind="choice", answer="a,b", passed=True)
    store.record(second)
    assert parse_export(mirror.read_text(encoding="utf-8")) == [first, second]
    on_disk = json.loads(mirror.read_text(encoding="utf-8"))
    in_memory = json.loads(store.export_json())
    assert on_disk.pop("exported") <= in_memory.pop("exported")
    assert on_disk == in_memory
    # The mirror, and this store's own journal (one per tab, so tabs never overwrite each other).
    left = sorted(p.name for p in mirror.parent.iterdir())
    assert left == sorted(["progress.json", store.journal.name]), "no .tmp left"


def test_reload_restores_attempts(mirror: Path) -> None:
    """A browser reload: a new store on the same mirror file sees earlier attempts."""
    weird = "nul\x00 emoji 🎿 lone \ud800 <b>html</b> \"quotes\" 'single'"
    attempts = [
        make(answer=weird, learner="Zoë", time="2024-05-01T09:00:00Z"),
        make("x-choice", kind="choice", answer="b", passed=True, time="2024-05-01T09:01:00Z"),
    ]
    first = MirroredStore(mirror)
    for attempt in attempts:
        first.record(attempt)
    first.close()

    again = MirroredStore(mirror)
    assert again.restore_problem == ""
    assert again.attempts() == attempts
    assert again.attempts()[0].answer == weird
    assert again.summary(learner="Zoë") == {
        "bunny-hill-first-reply": {
            "attempts": 1,
            "best_score": 60,
            "passed": False,
            "last_time": "2024-05-01T09:00:00.000000+00:00",
        }
    }
    # Recording after the reload keeps the restored attempts in the mirror too.
    later = make(answer="after reload", time="2024-05-01T09:02:00Z")
    again.record(later)
    assert MirroredStore(mirror).attempts() == [*attempts, later]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        pytest.param("garbage, not JSON at all {", "is not JSON", id="garbage"),
        pytest.param("", "is not JSON", id="empty"),
        pytest.param('{"format": "other"}', "is not a skischool progress export", id="other"),
        pytest.param(
            '{"format": "skischool-progress", "version": 1, "attempts": [{"exercise": "x",'
            ' "time": "2024-05-01T09:00:00Z", "score": 900, "passed": true, "criteria_met": 1,'
            ' "criteria_total": 1, "kind": "reply", "answer": "a"}]}',
            "attempts[0]: score must be between 0 and 100",
            id="bad-score",
        ),
    ],
)
def test_damaged_mirror_is_kept_aside(mirror: Path, damage: str, expected: str) -> None:
    mirror.parent.mkdir(parents=True)
    mirror.write_text(damage, encoding="utf-8")
    original = mirror.read_bytes()
    store = MirroredStore(mirror)
    aside = mirror.with_name("progress.json.damaged")
    assert str(mirror) in store.restore_problem
    assert expected in store.restore_problem
    assert "kept as progress.json.damaged" in store.restore_problem
    assert aside.read_bytes() == original
    assert not mirror.exists()
    assert store.attempts() == []
    # It still records, and the kept copy is left alone.
    attempt = make(answer="fresh start")
    store.record(attempt)
    assert parse_export(mirror.read_text(encoding="utf-8")) == [attempt]
    assert aside.read_bytes() == original
    assert MirroredStore(mirror).attempts() == [attempt]


def test_undecodable_mirror_is_kept_aside(mirror: Path) -> None:
    mirror.parent.mkdir(parents=True)
    original = b"\xff\xfe\x00 not UTF-8 \x80"
    mirror.write_bytes(original)
    store = MirroredStore(mirror)
    assert str(mirror) in store.restore_problem
    store.record(make())
    assert mirror.with_name("progress.json.damaged").read_bytes() == original


def test_listeners_called_after_the_attempt_is_saved(store: MirroredStore, mirror: Path) -> None:
    seen: list[tuple[Attempt, list[Attempt], list[Attempt]]] = []

    def listener(attempt: Attempt) -> None:
        # By the time a listener runs, the attempt is both in memory and in the mirror.
        seen.append((attempt, store.attempts(), parse_export(mirror.read_text("utf-8"))))

    store.listeners.append(listener)
    attempt = make(answer="heard")
    store.record(attempt)
    assert seen == [(attempt, [attempt], [attempt])]
    other: list[Attempt] = []
    store.listeners.append(other.append)
    second = make(answer="twice")
    store.record(second)
    assert [s[0] for s in seen] == [attempt, second]
    assert other == [second]


def test_unwritable_mirror_warns_and_keeps_going(tmp_path: Path) -> None:
    blocker = tmp_path / "drive"
    blocker.write_text("a regular file where the folder should be", encoding="utf-8")
    mirror = blocker / "skischool-progress" / "progress.json"
    store = MirroredStore(mirror)
    assert str(mirror) in store.restore_problem  # reading back failed too, and says where
    heard: list[Attempt] = []
    store.listeners.append(heard.append)
    attempt = make()
    with pytest.warns(
        ProgressWarning, match=rf"could not save progress to {re.escape(str(mirror))}"
    ):
        store.record(attempt)
    assert store.attempts() == [attempt], "the attempt is still kept in memory"
    assert heard == [attempt]
    assert blocker.read_text(encoding="utf-8") == "a regular file where the folder should be"
    assert parse_export(store.export_json()) == [attempt], "the download still has it"


def test_save_falls_back_to_writing_in_place_when_rename_fails(
    store: MirroredStore, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some browser filesystems cannot rename: the mirror is then written directly."""

    def no_rename(self: Path, target: object) -> Path:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(Path, "replace", no_rename)
    attempt = make(answer="in place")
    store.record(attempt)
    assert parse_export(mirror.read_text(encoding="utf-8")) == [attempt]
    assert not mirror.with_name("progress.json.tmp").exists()


# -- download link ---------------------------------------------------------------------------

HOSTILE = "<img src=x onerror=alert(1)> \"double\" 'single' </a><script>x</script> 🎿⛷️ \x00\x07\x1b[31m\u2028 \ud800"


def test_download_link_carries_the_export_exactly(store: MirroredStore) -> None:
    store.record(make(answer="plain"))
    export = store.export_json()
    html = download_link_html(export)
    assert decoded_download(html) == export
    assert 'download="skischool-progress.json"' in html
    assert html.startswith("<a ") and html.endswith("</a>")
    named = download_link_html(export, name="mine.json")
    assert 'download="mine.json"' in named and decoded_download(named) == export


def test_download_link_keeps_learner_text_out_of_the_markup(store: MirroredStore) -> None:
    store.record(make(answer=HOSTILE, learner='<b>Ana</b> "O\'Hara" 👩🏽‍💻'))
    export = store.export_json()
    html = download_link_html(export)
    for fragment in ("<img", "onerror", "alert", "<script", "<b>", "O'Hara", "🎿", "👩"):
        assert fragment not in html
    assert html.count("<") == 2 and html.count(">") == 2, "only the <a> and </a> tags"
    assert html.count('"') == 8, "only the four attribute values are quoted"
    assert all(" " <= ch <= "~" for ch in html), "printable ASCII only"
    (back,) = parse_export(decoded_download(html))
    assert back.answer == HOSTILE and back.learner == '<b>Ana</b> "O\'Hara" 👩🏽‍💻'


def test_two_tabs_saving_the_same_mirror_lose_nothing(mirror: Path) -> None:
    """A notebook tab and the room (or two rooms) each have their own Python and store."""
    first, second = MirroredStore(mirror), MirroredStore(mirror)
    a, b, c = make(answer="from tab one"), make(answer="from tab two"), make(answer="one again")
    first.record(a)
    second.record(b)  # second never saw `a` in memory, but must not drop it from the file
    first.record(c)
    saved = parse_export(mirror.read_text(encoding="utf-8"))
    assert sorted(x.answer for x in saved) == ["from tab one", "from tab two", "one again"]
    assert len(first.attempts()) == 3  # and the first tab now counts the second tab's attempt


def test_browser_store_is_shared_by_every_exercise(tmp_path: Path) -> None:
    progress = tmp_path / "drive" / "p.json"
    store = skischool.live.browser_store(progress)
    assert skischool.live.browser_store(progress) is store
    rubric = EXERCISES / "bunny-hill" / "01-first-reply.yaml"
    widget = skischool.live.exercise(rubric, progress=progress)
    assert isinstance(widget, ReplyExercise)
    widget.text.value = "Please DM us"
    widget.check_button.click()
    (saved,) = parse_export(progress.read_text(encoding="utf-8"))
    assert saved.answer == "Please DM us"
    again = skischool.live.exercise(rubric, progress=progress)
    assert again.recorder.count == 1  # a second widget for the same rubric sees the attempt


# -- one name for the feature ------------------------------------------------------------------

#: Names the feature had before it was called "live exercise(s)" everywhere.
OLD_NAMES = re.compile(
    r"practi[cs]e[ -]room|practise[ -_]live|practise\.(html|js|css)|build_lite|build-lite"
    r"|_build/html/lite|\.cache/lite|\blite/",
    re.IGNORECASE,
)
NAMED_FILES = ("*.md", "*.py", "*.sh", "*.js", "*.css", "*.yml", "*.yaml", "*.json", "*.txt")
NAMED_FOLDERS = ("book", "lessons", "exercises", "src", "scripts", "tests", "live", "benchmarks")


def test_the_feature_goes_by_one_name_everywhere() -> None:
    """Code, files, page text and tests say "live"; never "practice room", "lite" or the rest."""
    root = EXERCISES.parent
    files = [root / n for n in ("README.md", "CONTRIBUTING.md", "Makefile", "_config.yml")]
    for folder in NAMED_FOLDERS:
        for pattern in NAMED_FILES:
            files += [
                p
                for p in (root / folder).rglob(pattern)
                if "_vendor" not in p.parts and not any(s.endswith(".egg-info") for s in p.parts)
            ]
    found = []
    for path in files:
        if path == Path(__file__) or not path.is_file():
            continue
        for n, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            if OLD_NAMES.search(line):
                found.append(f"{path.relative_to(root)}:{n}: {line.strip()[:100]}")
    assert not found, "old names for live exercises:\n" + "\n".join(found)
    assert not (root / "lite").exists(), "lite/ was renamed live/"
