"""The live practice room (``skischool.live``): real files, real widgets, no kernel, no mocks."""

from __future__ import annotations

import base64
import json
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

import skischool.live
from skischool.errors import RubricError
from skischool.live import (
    CatalogueError,
    LiveExercise,
    MirroredStore,
    PracticeRoom,
    download_link_html,
)
from skischool.live.catalogue import CATALOGUE_FORMAT, Catalogue
from skischool.live.channel import (
    CHANNEL_NAME,
    MAX_MESSAGE_CHARS,
    connect,
    handle_message,
    opened_message,
)
from skischool.progress import Attempt, ProgressWarning, parse_export
from skischool.situations import compile_yaml
from skischool.widgets import ChoiceExercise, ReplyExercise

from .conftest import EXERCISES
from .test_progress import make as make_attempt

# Any ProgressWarning not expected via pytest.warns() means progress silently went missing.
pytestmark = pytest.mark.filterwarnings("error::skischool.progress.ProgressWarning")

#: Rubric stems (in exercises/bunny-hill/) compiled into the test site, as the build does.
STEMS = ("01-first-reply", "04-outsource-or-learn", "checkpoint-q1", "checkpoint-reply")
FIRST = "bunny-hill/01-first-reply"
SECOND = "bunny-hill/04-outsource-or-learn"
CHECKPOINT = "bunny-hill/checkpoint"

DATA_URL_RE = re.compile(r'href="data:application/json;charset=utf-8;base64,([A-Za-z0-9+/=]*)"')


def make(exercise: str = "bunny-hill-first-reply", **overrides: object) -> Attempt:
    """An attempt at a course exercise id; a failing one unless told otherwise."""
    fields: dict[str, object] = {"score": 60, "passed": False, "criteria_total": 5}
    return make_attempt(exercise, **{**fields, **overrides})


def entries() -> list[dict[str, Any]]:
    """Three exercise pages as scripts/build_lite.py writes them; the last is a checkpoint."""
    return [
        {
            "id": FIRST,
            "title": "Your first reply",
            "level": "Level 1 · Bunny Hill",
            "rubrics": ["bunny-hill/01-first-reply.json"],
        },
        {
            "id": SECOND,
            "title": "Outsource <or> learn & grow",
            "level": "Level 1 · Bunny Hill",
            "rubrics": ["bunny-hill/04-outsource-or-learn.json"],
        },
        {
            "id": CHECKPOINT,
            "title": "Checkpoint",
            "level": "Level 1 · Bunny Hill",
            "rubrics": ["bunny-hill/checkpoint-q1.json", "bunny-hill/checkpoint-reply.json"],
        },
    ]


def write_json(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def compiled() -> dict[str, str]:
    """Real compiled rubric JSON for the course's own bunny-hill exercises (compiled once)."""
    return {stem: compile_yaml(EXERCISES / "bunny-hill" / f"{stem}.yaml") for stem in STEMS}


@pytest.fixture
def lite_site(tmp_path: Path, compiled: dict[str, str]) -> Path:
    """A JupyterLite site folder with compiled rubrics in bunny-hill/ and no catalogue yet."""
    root = tmp_path / "site" / "exercises"
    (root / "bunny-hill").mkdir(parents=True)
    for stem, text in compiled.items():
        (root / "bunny-hill" / f"{stem}.json").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def catalogue_path(lite_site: Path) -> Path:
    return write_json(
        lite_site / "catalogue.json",
        {"format": CATALOGUE_FORMAT, "version": 1, "exercises": entries()},
    )


@pytest.fixture
def catalogue(catalogue_path: Path) -> Catalogue:
    return Catalogue.load(catalogue_path)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    return tmp_path / "drive" / "skischool-progress" / "progress.json"


@pytest.fixture
def store(mirror: Path) -> MirroredStore:
    return MirroredStore(mirror)


@pytest.fixture
def room(catalogue: Catalogue, store: MirroredStore) -> PracticeRoom:
    return PracticeRoom(catalogue, FIRST, store=store, learner="Ana")


def decoded_download(html: str) -> str:
    """The file a download link carries, decoded from its data: URL."""
    (payload,) = DATA_URL_RE.findall(html)
    return base64.b64decode(payload, validate=True).decode("utf-8")


# -- Catalogue ------------------------------------------------------------------------------


def test_catalogue_loads_entries_in_order(catalogue_path: Path, lite_site: Path) -> None:
    catalogue = Catalogue.load(str(catalogue_path))  # a str path works as well as a Path
    assert catalogue.root == lite_site
    assert [e.id for e in catalogue.exercises] == [FIRST, SECOND, CHECKPOINT]
    first, second, checkpoint = catalogue.exercises
    assert first == LiveExercise(
        FIRST,
        "Your first reply",
        "Level 1 · Bunny Hill",
        ("bunny-hill/01-first-reply.json",),
    )
    assert checkpoint.rubrics == (
        "bunny-hill/checkpoint-q1.json",
        "bunny-hill/checkpoint-reply.json",
    )
    paths = catalogue.rubric_paths(checkpoint)
    assert paths == [
        lite_site / "bunny-hill/checkpoint-q1.json",
        lite_site / "bunny-hill/checkpoint-reply.json",
    ]
    assert all(p.is_file() for p in paths)
    assert catalogue.get(SECOND) is second
    assert catalogue.get("bunny-hill/nope") is None
    assert catalogue.index(CHECKPOINT) == 2


def _without(entry_field: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        del doc["exercises"][0][entry_field]

    return change


def _set_entry(entry_field: str, value: object, i: int = 0) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["exercises"][i][entry_field] = value

    return change


def _set(field: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc[field] = value

    return change


def _duplicate(doc: dict[str, Any]) -> None:
    doc["exercises"][2]["id"] = FIRST


def _entry_not_object(doc: dict[str, Any]) -> None:
    doc["exercises"][1] = ["bunny-hill/x"]


# (case id, how to break a valid catalogue, text the message must contain besides the path)
CATALOGUE_ERRORS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("wrong-format", _set("format", "skischool-progress"), '"format": "skischool-live-catalogue"'),
    ("no-format", lambda doc: doc.pop("format"), '"format"'),
    ("empty-exercises", _set("exercises", []), 'field "exercises" must be a non-empty list'),
    ("exercises-not-list", _set("exercises", {"a": 1}), 'field "exercises" must be a non-empty'),
    ("entry-not-object", _entry_not_object, "exercises[1]: must be an object"),
    ("missing-title", _without("title"), 'exercises[0]: field "title" must be a non-empty string'),
    ("empty-title", _set_entry("title", ""), 'exercises[0]: field "title" must be a non-empty'),
    ("missing-level", _without("level"), 'exercises[0]: field "level" must be a non-empty string'),
    ("id-not-string", _set_entry("id", 7), 'exercises[0]: field "id" must be a non-empty string'),
    ("id-dotdot", _set_entry("id", "../x"), "exercises[0]: id '../x' is not <level>/<page>"),
    ("id-capital", _set_entry("id", "Green/1", 1), "exercises[1]: id 'Green/1' is not <level>/"),
    ("id-no-slash", _set_entry("id", "bunny-hill"), "exercises[0]: id 'bunny-hill' is not"),
    ("id-html", _set_entry("id", "a/<b>"), "exercises[0]: id 'a/<b>' is not <level>/<page>"),
    ("rubrics-missing", _without("rubrics"), 'exercises[0]: field "rubrics" must be a non-empty'),
    ("rubrics-not-list", _set_entry("rubrics", "a.json"), 'exercises[0]: field "rubrics" must'),
    ("rubrics-empty", _set_entry("rubrics", []), 'exercises[0]: field "rubrics" must be a non-'),
    ("rubric-not-str", _set_entry("rubrics", ["a.json", 3]), 'exercises[0]: field "rubrics"'),
    (
        "rubric-absolute",
        _set_entry("rubrics", ["/etc/passwd"], 2),
        'exercises[2]: field "rubrics" must hold relative paths inside the site',
    ),
    (
        "rubric-dotdot",
        _set_entry("rubrics", ["bunny-hill/ok.json", "bunny-hill/../../secret.json"]),
        'exercises[0]: field "rubrics" must hold relative paths inside the site',
    ),
    ("duplicate-ids", _duplicate, f"exercise id {FIRST!r} appears twice"),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=case) for case, change, expected in CATALOGUE_ERRORS],
)
def test_catalogue_rejects_malformed(
    lite_site: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    document: dict[str, Any] = {"format": CATALOGUE_FORMAT, "version": 1, "exercises": entries()}
    change(document)
    path = write_json(lite_site / "catalogue.json", document)
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, "cannot read the exercise catalogue", id="missing-file"),
        pytest.param(b'{"format": ', "is not JSON", id="truncated-json"),
        pytest.param(b"<html>404</html>", "is not JSON", id="html-page"),
        pytest.param(b"\xff\xfe\x00garbage", "is not JSON", id="not-utf8"),
        pytest.param(b"[1, 2]", '"format": "skischool-live-catalogue"', id="json-list"),
    ],
)
def test_catalogue_unreadable_file(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "exercises" / "catalogue.json"
    if content is not None:
        path.parent.mkdir()
        path.write_bytes(content)
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


def test_catalogue_error_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="catalogue"):
        Catalogue.load(tmp_path / "nope.json")


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


# -- PracticeRoom ----------------------------------------------------------------------------


def rubric_ids(room: PracticeRoom) -> list[str]:
    return [ex.rubric.id for ex in room.exercises]


def test_room_opens_the_requested_exercise(catalogue: Catalogue, store: MirroredStore) -> None:
    room = PracticeRoom(catalogue, SECOND, store=store)
    assert room.current.id == SECOND
    assert room.picker.value == SECOND
    assert rubric_ids(room) == ["bunny-hill-outsource-or-learn"]
    assert room.body.children == tuple(room.exercises)
    assert isinstance(room.exercises[0], ChoiceExercise)
    assert "exercise page 2 of 3" in room.heading.value
    assert room.previous.disabled is False and room.next.disabled is False
    assert "ss-room" in room._dom_classes


@pytest.mark.parametrize("start", ["bunny-hill/nope", "", "<b>x</b>", "../../etc/passwd"])
def test_room_unknown_start_opens_the_first(
    catalogue: Catalogue, store: MirroredStore, start: str
) -> None:
    room = PracticeRoom(catalogue, start, store=store)
    assert room.current.id == FIRST
    assert rubric_ids(room) == ["bunny-hill-first-reply"]
    assert room.picker.value == FIRST


def test_room_first_and_last_buttons(room: PracticeRoom) -> None:
    assert room.current.id == FIRST
    assert room.previous.disabled is True
    assert room.next.disabled is False
    room.previous.click()  # disabled in the page; a stray click must still do nothing
    assert room.current.id == FIRST
    room.show(CHECKPOINT)
    assert room.previous.disabled is False
    assert room.next.disabled is True
    before = room.exercises
    room.next.click()
    assert room.current.id == CHECKPOINT
    assert room.exercises is before


def test_room_next_and_previous_switch_everything(room: PracticeRoom) -> None:
    first_widgets = room.body.children
    assert "exercise page 1 of 3" in room.heading.value
    assert "Your first reply" in room.heading.value

    room.next.click()
    assert room.current.id == SECOND
    assert rubric_ids(room) == ["bunny-hill-outsource-or-learn"]
    assert room.body.children == tuple(room.exercises)
    assert room.body.children != first_widgets
    assert "exercise page 2 of 3" in room.heading.value
    # The title is escaped in the heading.
    assert "Outsource &lt;or&gt; learn &amp; grow" in room.heading.value
    assert "<or>" not in room.heading.value
    assert room.picker.value == SECOND

    room.next.click()
    assert room.current.id == CHECKPOINT
    assert "exercise page 3 of 3" in room.heading.value

    room.previous.click()
    room.previous.click()
    assert room.current.id == FIRST
    assert rubric_ids(room) == ["bunny-hill-first-reply"]
    assert "exercise page 1 of 3" in room.heading.value
    assert room.previous.disabled is True


def test_room_picker_switches(room: PracticeRoom) -> None:
    assert [value for _label, value in room.picker.options] == [FIRST, SECOND, CHECKPOINT]
    assert room.picker.options[0][0] == "Level 1 · Bunny Hill · Your first reply"
    room.picker.value = CHECKPOINT
    assert room.current.id == CHECKPOINT
    assert rubric_ids(room) == ["bunny-hill-checkpoint-q1", "bunny-hill-checkpoint-reply"]
    assert room.next.disabled is True and room.previous.disabled is False
    room.picker.value = SECOND
    assert room.current.id == SECOND


def test_room_checkpoint_shows_both_exercises(room: PracticeRoom) -> None:
    room.show(CHECKPOINT)
    assert len(room.exercises) == 2
    choice, reply = room.exercises
    assert isinstance(choice, ChoiceExercise) and isinstance(reply, ReplyExercise)
    assert room.body.children == (choice, reply)
    assert rubric_ids(room) == ["bunny-hill-checkpoint-q1", "bunny-hill-checkpoint-reply"]


def test_room_show_unknown_id_keeps_current_and_escapes_notice(room: PracticeRoom) -> None:
    room.next.click()
    widgets = room.exercises
    assert room.show('bunny-hill/<b>bold</b>"onload=x') is False
    assert room.current.id == SECOND
    assert room.exercises is widgets and room.body.children == tuple(widgets)
    assert "&lt;b&gt;bold&lt;/b&gt;&quot;onload=x" in room.notice.value
    assert "<b>bold" not in room.notice.value and '"onload' not in room.notice.value
    assert "There is no exercise called" in room.notice.value
    # A long id is cut short in the notice.
    assert room.show("y" * 5000) is False
    assert "y" * 200 in room.notice.value and "y" * 201 not in room.notice.value
    # A successful switch clears the notice.
    assert room.show(FIRST) is True
    assert room.notice.value == ""


def test_room_on_open_callbacks(room: PracticeRoom, catalogue: Catalogue) -> None:
    opened: list[LiveExercise] = []
    room.on_open.append(opened.append)
    room.next.click()
    room.picker.value = CHECKPOINT
    room.show("bunny-hill/unknown")
    room.previous.click()
    assert opened == [catalogue.get(SECOND), catalogue.get(CHECKPOINT), catalogue.get(SECOND)]
    assert all(isinstance(e, LiveExercise) for e in opened)


def test_room_checking_a_reply_updates_progress_and_download(
    room: PracticeRoom, mirror: Path, catalogue: Catalogue
) -> None:
    assert "will be saved in this browser" in room.progress.value
    assert room.download.value == ""
    reply = room.exercises[0]
    assert isinstance(reply, ReplyExercise)
    answer = "Thanks for asking! <b>Lessons</b> start at 9, see you on the slope 🎿"
    reply.text.value = answer
    reply.check_button.click()
    assert "Saved in this browser: 1 attempt at 1 exercise," in room.progress.value
    assert "data:application/json;charset=utf-8;base64," in room.download.value
    (saved,) = parse_export(decoded_download(room.download.value))
    assert (saved.exercise, saved.answer, saved.learner) == (
        "bunny-hill-first-reply",
        answer,
        "Ana",
    )
    assert parse_export(mirror.read_text(encoding="utf-8")) == [saved]

    # A second attempt on another page of the same room.
    room.picker.value = SECOND
    choice = room.exercises[0]
    assert isinstance(choice, ChoiceExercise)
    choice.choose(choice.rubric.options[0].id)
    choice.check_button.click()
    assert "2 attempts at 2 exercises" in room.progress.value
    assert len(parse_export(decoded_download(room.download.value))) == 2

    # A reload: a new store and room on the same mirror remember both attempts.
    again = PracticeRoom(catalogue, FIRST, store=MirroredStore(mirror), learner="Ana")
    assert "2 attempts at 2 exercises" in again.progress.value
    assert "1 attempt" in again.exercises[0].attempts.value


def test_room_shows_a_restore_problem(catalogue: Catalogue, mirror: Path) -> None:
    mirror.parent.mkdir(parents=True)
    mirror.write_text("<not json>", encoding="utf-8")
    room = PracticeRoom(catalogue, FIRST, store=MirroredStore(mirror))
    assert "Earlier progress could not be read back" in room.progress.value
    assert "progress.json.damaged" in room.progress.value
    assert "<not json>" not in room.progress.value


def test_room_rubric_that_fails_to_load_keeps_the_current_page(
    lite_site: Path, store: MirroredStore
) -> None:
    document = {"format": CATALOGUE_FORMAT, "exercises": entries()}
    document["exercises"][1]["rubrics"] = ["bunny-hill/missing.json"]
    room = PracticeRoom(
        Catalogue.load(write_json(lite_site / "catalogue.json", document)), FIRST, store=store
    )
    with pytest.raises(RubricError, match=r"missing\.json"):
        room.show(SECOND)
    assert rubric_ids(room) == ["bunny-hill-first-reply"], "the old page is still on screen"
    assert room.current.id == FIRST


# -- channel ---------------------------------------------------------------------------------


def open_msg(exercise: object = SECOND, session: str = "s1", **extra: object) -> str:
    return json.dumps({"type": "open", "exercise": exercise, "session": session, **extra})


def test_message_with_matching_session_switches(room: PracticeRoom) -> None:
    assert handle_message(room, open_msg(SECOND, "s1"), session="s1") is True
    assert room.current.id == SECOND
    assert rubric_ids(room) == ["bunny-hill-outsource-or-learn"]
    # No session on either side is a match too (a page opened without one).
    assert handle_message(room, json.dumps({"type": "open", "exercise": FIRST})) is True
    assert room.current.id == FIRST


IGNORED_MESSAGES = [
    pytest.param(open_msg(SECOND, "other-tab"), id="wrong-session"),
    pytest.param(open_msg(SECOND, ""), id="missing-session-when-expected"),
    pytest.param('{"type": "open", "exercise": ', id="not-json"),
    pytest.param(open_msg(SECOND).encode("utf-8"), id="bytes"),
    pytest.param(json.loads(open_msg(SECOND)), id="dict"),
    pytest.param(None, id="none"),
    pytest.param(open_msg(SECOND, pad="x" * MAX_MESSAGE_CHARS), id="oversized"),
    pytest.param(open_msg(SECOND, type="close"), id="wrong-type"),
    pytest.param(json.dumps({"type": "open", "session": "s1"}), id="missing-exercise"),
    pytest.param(open_msg(7), id="exercise-int"),
    pytest.param(open_msg([SECOND]), id="exercise-list"),
    pytest.param(json.dumps([{"type": "open", "exercise": SECOND}]), id="json-list"),
    pytest.param(open_msg("bunny-hill/unknown"), id="unknown-exercise"),
]


@pytest.mark.parametrize("data", IGNORED_MESSAGES)
def test_malformed_or_foreign_messages_are_ignored(room: PracticeRoom, data: object) -> None:
    widgets = room.exercises
    assert handle_message(room, data, session="s1") is False
    assert room.current.id == FIRST
    assert room.exercises is widgets
    assert room.body.children == tuple(widgets)


def test_oversized_limit_is_exact(room: PracticeRoom) -> None:
    base = open_msg(SECOND, pad="")
    fits = open_msg(SECOND, pad="x" * (MAX_MESSAGE_CHARS - len(base)))
    assert len(fits) == MAX_MESSAGE_CHARS
    assert handle_message(room, fits, session="s1") is True
    assert room.current.id == SECOND


def test_message_for_the_current_exercise_does_not_rebuild(room: PracticeRoom) -> None:
    widgets = room.exercises
    reply = widgets[0]
    reply.text.value = "half-typed answer"
    opened: list[LiveExercise] = []
    room.on_open.append(opened.append)
    assert handle_message(room, open_msg(FIRST), session="s1") is True
    assert room.exercises is widgets and room.exercises[0] is reply
    assert room.body.children == (reply,)
    assert reply.text.value == "half-typed answer"
    assert opened == []


def test_connect_outside_the_browser_does_nothing(room: PracticeRoom) -> None:
    assert connect(room, "s1") is False
    assert room.on_open == []
    assert not hasattr(room, "_channel")


def test_opened_message_round_trips(catalogue: Catalogue) -> None:
    exercise = catalogue.get(SECOND)
    assert exercise is not None
    message = json.loads(opened_message(exercise, session="tab-7 ✓"))
    assert message == {
        "type": "opened",
        "exercise": SECOND,
        "title": "Outsource <or> learn & grow",
        "session": "tab-7 ✓",
    }
    assert json.loads(opened_message(exercise))["session"] == ""


class FakeBroadcastChannel:
    """Stands in for the browser's BroadcastChannel (as Pyodide's ``js`` module exposes it)."""

    opened: ClassVar[list[FakeBroadcastChannel]] = []

    def __init__(self, name: str) -> None:
        self.name = name
        self.posted: list[str] = []
        self.onmessage: Callable[[Any], None] | None = None

    @classmethod
    def new(cls, name: str) -> FakeBroadcastChannel:
        channel = cls(name)
        cls.opened.append(channel)
        return channel

    def postMessage(self, data: str) -> None:  # the browser's name
        self.posted.append(data)

    def receive(self, data: object) -> None:
        assert self.onmessage is not None
        self.onmessage(types.SimpleNamespace(data=data))


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> type[FakeBroadcastChannel]:
    """Pretend to be Pyodide: ``sys.platform``, ``js.BroadcastChannel`` and ``create_proxy``."""
    js = types.ModuleType("js")
    js.BroadcastChannel = FakeBroadcastChannel  # type: ignore[attr-defined]
    pyodide = types.ModuleType("pyodide")
    ffi = types.ModuleType("pyodide.ffi")
    ffi.create_proxy = lambda func: func  # type: ignore[attr-defined]
    pyodide.ffi = ffi  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setitem(sys.modules, "pyodide", pyodide)
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(FakeBroadcastChannel, "opened", [])
    return FakeBroadcastChannel


def test_start_in_the_browser_listens_and_answers(
    browser: type[FakeBroadcastChannel], catalogue_path: Path, tmp_path: Path
) -> None:
    room = skischool.live.start(
        FIRST, catalogue=catalogue_path, progress=tmp_path / "p.json", session="tab-1"
    )
    (channel,) = browser.opened
    assert channel.name == CHANNEL_NAME
    assert room._channel is channel
    assert [json.loads(m) for m in channel.posted] == [
        {"type": "opened", "exercise": FIRST, "title": "Your first reply", "session": "tab-1"}
    ]
    channel.receive(open_msg(SECOND, "tab-2"))  # another tab's page: not ours
    assert room.current.id == FIRST and len(channel.posted) == 1
    channel.receive(open_msg(SECOND, "tab-1"))
    assert room.current.id == SECOND
    assert json.loads(channel.posted[-1])["exercise"] == SECOND
    room.next.click()  # a switch inside the room is told to the page as well
    assert json.loads(channel.posted[-1]) == json.loads(opened_message(room.current, "tab-1"))
    assert len(channel.posted) == 3


def test_browser_message_that_fails_shows_a_notice(
    browser: type[FakeBroadcastChannel], lite_site: Path, store: MirroredStore
) -> None:
    document = {"format": CATALOGUE_FORMAT, "exercises": entries()}
    document["exercises"][2]["rubrics"] = ["bunny-hill/missing.json"]
    room = PracticeRoom(
        Catalogue.load(write_json(lite_site / "catalogue.json", document)), FIRST, store=store
    )
    assert connect(room, "s") is True
    (channel,) = browser.opened
    channel.receive(open_msg(CHECKPOINT, "s"))  # must not raise into the event loop
    assert room.notice.value.startswith("<p>Could not switch exercise (")
    assert rubric_ids(room) == ["bunny-hill-first-reply"]


# -- start -----------------------------------------------------------------------------------


def test_start_opens_the_room_at_the_exercise(catalogue_path: Path, tmp_path: Path) -> None:
    progress = tmp_path / "drive" / "progress.json"
    room = skischool.live.start(
        CHECKPOINT, catalogue=catalogue_path, progress=progress, learner="Bo", session="s9"
    )
    assert isinstance(room, PracticeRoom)
    assert room.current.id == CHECKPOINT
    assert rubric_ids(room) == ["bunny-hill-checkpoint-q1", "bunny-hill-checkpoint-reply"]
    assert isinstance(room.store, MirroredStore) and room.store.mirror == progress
    assert room.learner == "Bo"
    reply = room.exercises[1]
    reply.text.value = "We got that wrong, and we are sorry."
    reply.check_button.click()
    (saved,) = parse_export(progress.read_text(encoding="utf-8"))
    assert (saved.exercise, saved.learner) == ("bunny-hill-checkpoint-reply", "Bo")

    # An unknown id (from a URL) opens the first page; string paths work too.
    other = skischool.live.start("nope/nope", catalogue=str(catalogue_path), progress=str(progress))
    assert other.current.id == FIRST
    assert "1 attempt at 1 exercise" in other.progress.value


def test_start_with_a_missing_catalogue_names_it(tmp_path: Path) -> None:
    path = tmp_path / "exercises" / "catalogue.json"
    with pytest.raises(CatalogueError, match=re.escape(str(path))):
        skischool.live.start(FIRST, catalogue=path, progress=tmp_path / "p.json")


# -- two tabs, one mirror ----------------------------------------------------------------------


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
