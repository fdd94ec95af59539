"""Random rubric files: every one loads into a rubric or ends in a RubricError naming the file.

The issue this answers: "every path ends in a located error ... never a traceback". Hand-written
tests cover the shapes someone thought of; this fuzzer starts from two valid rubrics (a reply and
a choice, with every criterion type) and breaks them at random: dropped keys, wrong types, deep
nesting, huge strings and numbers, unknown keys, odd unicode, bad regexes, YAML-level damage, and
tampered compiled JSON. Each document is loaded through the public loader from a real file.

The suite runs a small budget; a longer hunt is one environment variable away:

    SKISCHOOL_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest -q tests/test_rubric_fuzz.py
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from skischool.errors import RubricError
from skischool.examples import validate_file
from skischool.loader import load_rubric
from skischool.model import ChoiceRubric, ReplyRubric
from skischool.result import Result
from skischool.source import iter_paths, load_yaml, to_compiled_json

EXAMPLES = int(os.environ.get("SKISCHOOL_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,  # tests must not write into the repository; failures print their input
)


def _crit(type_: str, id_: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "message": "Noted, {name}.", "why": "It matters.", **fields}


# Valid skeletons, after tests/test_loader.py's GOOD and book/rubric-format.md's choice rubric,
# with one criterion of every type so mutations reach every type's own fields.
REPLY: dict[str, Any] = {
    "kind": "reply",
    "title": "Late parcel",
    "task": "Reply to Dana.",
    "situation": "complaint",
    "pass_score": 60,
    "scenario": {
        "platform": "x",
        "author": {"name": "Dana Ruiz", "handle": "@dana"},
        "post": "Where is my parcel?",
        "context": "It ships today.",
    },
    "criteria": [
        _crit(
            "avoid",
            "no-dm",
            severity="error",
            phrases=[
                {"phrase": "please DM us", "suggest": "sort it here"},
                {"regex": "call (our )?hq"},
            ],
            concepts=["deflect-to-private"],
            exceptions=["no need to DM us"],
        ),
        _crit(
            "move",
            "sorry",
            weight=3,
            phrases=["sorry", {"regex": "apolog(y|ies|ise|ize)"}],
            concepts=["apology"],
            also=["today", {"regex": "within \\d+ days?"}],
            ignore=["negated", "quoted"],
        ),
        _crit("order", "sorry-first", first="sorry", not_before=["due to"], concepts=["excuse"]),
        _crit("length", "length", max="platform", min=10, short_message="Too short."),
        _crit("count", "bangs", what="exclamations", max=2, severity="suggestion"),
        _crit("address", "name", severity="suggestion"),
        _crit("voice", "voice", phrases=["the company"], first_person=True),
        _crit("readability", "plain", max_grade=12, min_words=5),
        _crit("coherence", "sentences", severity="error"),
        _crit(
            "facts",
            "facts",
            severity="error",
            facts=[
                {
                    "about": "shipping",
                    "say": "it ships today by 5pm",
                    "when": ["ship", "ships"],
                    "times": ["5pm"],
                    "days": ["monday"],
                }
            ],
            offers=[],
        ),
    ],
    "model_reply": "Sorry Dana, it ships today by 5pm.",
    # load_rubric needs six of each (loader.MIN_*_EXAMPLES); their verdicts only matter to
    # validate_file, which the fuzzer runs for crashes, not for a clean bill.
    "examples": [
        *({"text": f"Sorry Dana, it ships today ({i}).", "expect": "pass"} for i in range(6)),
        *(
            {"text": f"Please DM us ({i}).", "expect": "fail", "fails": ["no-dm"], "note": "n"}
            for i in range(6)
        ),
    ],
}
CHOICE: dict[str, Any] = {
    "kind": "choice",
    "title": "Where do you answer?",
    "question": "A customer complains under your post. What do you do first?",
    "multiple": False,
    "pass_score": 70,
    "options": [
        {"id": "public", "text": "Reply under the post", "score": 100, "feedback": "Seen."},
        {"id": "dm", "text": "Ask for a DM", "score": 0, "feedback": "Hidden.", "if_missed": "x"},
    ],
    "examples": [
        {"choose": ["public"], "expect": "pass"},
        {"choose": ["dm"], "expect": "fail", "note": "hides it"},
        {"choose": [], "expect": "fail"},
        {"choose": ["dm", "public"], "expect": "fail"},
    ],
}
SKELETONS = [REPLY, CHOICE]
REPLIES = [
    "",
    "Sorry Dana, it ships today by 5pm!",
    "Please DM us. The company regrets. Due to demand, sorry.",
    "İ" * 50 + " \u202e sorry \x00 today\n\n" + "🙂" * 20,
    "sorry " * 2000,
]


class Raw:
    """A scalar written into the file exactly as given (numbers no serialiser would print)."""

    def __init__(self, text: str) -> None:
        self.text = text


WEIRD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(
    [
        "\ufeff",
        "\u202e\u2066",
        "İstanbul ß ǅ",
        "e\u0301\u0301\u0301",
        "\x00\x07\x1b[31m",
        "yes",
        "no",
        "~",
        ".nan",
        "-.inf",
        "<<",
        "*a",
        "&a",
        "!!python/object:os.system",
        "2024-13-45",
        "{match} {name} {nope}",
        "reply",
        "choice",
        "error",
        "move",
        "avoid",
        "platform",
        "x",
        "sorry",
    ]
)
BAD_REGEXES = [
    "(",
    "(a+)+$",
    "(?P<x>a)(?P=x)",
    "(?i)sorry",
    "a{1000000}",
    "[[a]]",
    "(?<=a+)b",
    "\\b" + "a" * 300 + "\\b",
    "(" * 200 + "a" + ")" * 200,
    "(?:" * 160 + "a" + ")" * 160,
    "\\" + "N{NOPE}",
    "x" * 600,
    "(?#" + ")",
    "(a|aa)*c",
    "\\d+\\d+\\d+x",
]


def _huge_int() -> st.SearchStrategy[Raw]:
    def build(kind: str, n: int) -> Raw:
        if kind == "dec":
            return Raw("9" * n)
        if kind == "neg":
            return Raw("-" + "1" * n)
        if kind == "hex":
            return Raw("0x" + "f" * n)
        return Raw(":".join(["59"] * n))  # YAML 1.1 base 60

    return st.builds(
        build,
        st.sampled_from(["dec", "neg", "hex", "sexagesimal"]),
        st.sampled_from([1, 3, 19, 639, 640, 641, 4300, 4301, 6000]),
    )


class Deep:
    """A value nested ``depth`` lists or mappings deep, written as flow text (JSON is YAML too).

    Kept opaque until written: the fuzzer's own copying and serialising would otherwise recurse
    as deep as the nesting it is testing.
    """

    def __init__(self, leaf: Any, depth: int, mapping: bool) -> None:
        self.leaf, self.depth, self.mapping = leaf, depth, mapping

    def text(self) -> str:
        opener, closer = ('{"a": ', "}") if self.mapping else ("[", "]")
        return opener * self.depth + to_json(self.leaf) + closer * self.depth


LONG_TEXT = st.builds(
    lambda n, w: w * n,
    st.sampled_from([70, 300, 5_000, 100_000]),
    st.sampled_from(["x", "ab ", "é🙂 "]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    WEIRD_TEXT,
    _huge_int(),
    LONG_TEXT,
    st.sampled_from(BAD_REGEXES).map(lambda r: {"regex": r}),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(WEIRD_TEXT, inner, max_size=3),
    max_leaves=8,
)
DEPTHS = st.sampled_from([2, 10, 62, 63, 64, 65, 66, 200, 999, 1001, 3000])


def _parent(data: Any, path: tuple[object, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A skeleton with a few random changes to its data."""
    data = copy.deepcopy(draw(st.sampled_from(SKELETONS)))
    # Few changes, and many that keep the file valid, so loaded rubrics get judged too.
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3, 4]))):
        paths = list(iter_paths(data))
        path = draw(st.sampled_from(paths))
        op = draw(
            st.sampled_from(
                [
                    *("drop", "replace", "unknown", "grow", "nest"),
                    *("retype", "transplant", "regex", "number", "text", "text", "text"),
                ]
            )
        )
        target = _parent(data, path)[path[-1]] if path else data
        if op == "drop" and path:
            parent = _parent(data, path)
            del parent[path[-1]]
            continue
        if op == "replace":
            new: Any = draw(VALUES)
        elif op == "unknown" and isinstance(target, dict):
            target[draw(WEIRD_TEXT)] = draw(VALUES)
            continue
        elif op == "grow" and isinstance(target, list) and target:
            item = draw(st.sampled_from(target))
            # Thousands of phrases, but not thousands of criteria: each builds a matcher.
            sizes = [2, 50, 2_000, 20_000] if isinstance(item, str) else [2, 50, 200]
            n = draw(st.sampled_from(sizes))
            distinct = draw(st.booleans()) and isinstance(item, str)
            new = [f"{item} {i}" if distinct else item for i in range(n)]
        elif op == "nest":
            new = Deep(target, draw(DEPTHS), draw(st.booleans()))
        elif op == "retype":
            new = draw(st.sampled_from([str(target)[:200], [target], {"x": target}, 7, None]))
        elif op == "transplant":
            source = draw(st.sampled_from(paths))
            new = copy.deepcopy(_parent(data, source)[source[-1]] if source else data)
        elif op == "regex":
            new = {"regex": draw(st.sampled_from(BAD_REGEXES))}
        elif op == "number":
            new = draw(_huge_int())
        elif op == "text" and isinstance(target, str):
            new = draw(st.sampled_from([target, ""]) | WEIRD_TEXT | LONG_TEXT) + draw(WEIRD_TEXT)
        else:
            continue
        if path:
            _parent(data, path)[path[-1]] = new
        else:
            data = new
    return data


def _with_markers(data: Any, raws: list[str]) -> Any:
    """Raw scalars become unique marker strings, replaced in the serialised text afterwards."""
    if isinstance(data, (Raw, Deep)):
        raws.append(data.text if isinstance(data, Raw) else data.text())
        return f"RAWMARKER{len(raws) - 1}END"
    if isinstance(data, dict):
        return {
            _with_markers(k, raws) if isinstance(k, Raw) else k: _with_markers(v, raws)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_with_markers(v, raws) for v in data]
    return data


def _unmark(text: str, raws: list[str], quote: str) -> str:
    return re.sub(quote + r"RAWMARKER(\d+)END" + quote, lambda m: raws[int(m.group(1))], text)


def to_yaml(data: Any) -> str:
    raws: list[str] = []
    marked = _with_markers(data, raws)
    text = yaml.dump(
        marked, Dumper=yaml.SafeDumper, allow_unicode=True, width=10**9, sort_keys=False
    )
    return _unmark(text, raws, "")


def to_json(data: Any) -> str:
    raws: list[str] = []
    return _unmark(json.dumps(_with_markers(data, raws), ensure_ascii=False), raws, '"')


YAML_DAMAGE = [
    "&a ",
    "*a",
    "*nope",
    "!!binary ",
    "!custom ",
    "<<: *a\n",
    "<<: [1, 2]\n",
    "\t",
    "- ",
    "{",
    "]",
    ": ",
    "? ",
    "%YAML 1.1\n---\n",
    "\n---\n",
    "\ufeff",
    "\x00",
    "\x85",
    '"\\',
    "'",
    "# comment\n",
    "|\n",
    ">-\n",
]


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """A mutated rubric as YAML, sometimes damaged as text (anchors, tags, syntax, truncation)."""
    data = draw(mutated())
    text = to_yaml(data)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "truncate", "duplicate-line"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(YAML_DAMAGE)) + text[at:]
        elif op == "truncate":
            text = text[:at]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines.insert(i, lines[i])
                text = "".join(lines)
    return text


def exercise(rubric: ReplyRubric | ChoiceRubric) -> None:
    """A loaded rubric must judge answers, whatever it was built from."""
    if isinstance(rubric, ReplyRubric):
        for reply in REPLIES:
            assert isinstance(rubric.check(reply), Result)
    else:
        ids = [o.id for o in rubric.options]
        for choice in ([], ids[:1], ids, ["not-an-option"]):
            assert isinstance(rubric.check(choice), Result)


def load_or_located_error(path: Path, names: set[str]) -> ReplyRubric | ChoiceRubric | None:
    """The invariant: a rubric, or a RubricError naming the file. Anything else fails the test."""
    try:
        rubric = load_rubric(path)
    except RubricError as exc:
        event(f"{path.suffix}: RubricError")  # --hypothesis-show-statistics shows the mix
        assert exc.problems, "a RubricError lists at least one problem"
        for p in exc.problems:
            assert p.file in names, (p.file, names)
        assert any(name in str(exc) for name in names)
        return None
    event(f"{path.suffix}: loaded a {rubric.kind} rubric")
    exercise(rubric)
    return rubric


def _write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    return p


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_skeletons_are_valid(folder: Path) -> None:
    """The fuzzer's starting points load, so what it breaks is its mutations."""
    for i, skeleton in enumerate(SKELETONS):
        for text, suffix in ((to_yaml(skeleton), "yaml"), (to_json(skeleton), "json")):
            path = _write(folder, f"skeleton{i}.{suffix}", text)
            exercise(load_rubric(path))


@FUZZ
@given(text=yaml_texts())
def test_yaml_and_its_compiled_json(folder: Path, text: str) -> None:
    """YAML through the public loader, then the JSON compiled from it: same outcome."""
    path = _write(folder, "rubric.yaml", text)
    names = {str(path)}
    rubric = load_or_located_error(path, names)
    assert isinstance(validate_file(path), list)
    try:
        source = load_yaml(text, str(path))
    except RubricError:
        assert rubric is None
        return
    compiled = _write(folder, "rubric.json", to_compiled_json(source))
    again = load_or_located_error(compiled, names | {str(compiled)})
    assert (rubric is None) == (again is None), "the compiled file must load like its YAML"
    if isinstance(rubric, ReplyRubric) and isinstance(again, ReplyRubric):
        for reply in REPLIES[:3]:
            a, b = rubric.check(reply), again.check(reply)
            assert (a.passed, a.score) == (b.passed, b.score)


@FUZZ
@given(data=mutated())
def test_plain_json(folder: Path, data: Any) -> None:
    text = to_json(data)
    path = _write(folder, "plain.json", text)
    load_or_located_error(path, {str(path)})


POSITION_VALUES = st.one_of(
    st.lists(st.integers(), max_size=3),
    st.lists(st.one_of(st.booleans(), st.floats(), WEIRD_TEXT, st.none()), max_size=3),
    _huge_int().map(lambda r: [r, 1]),
    VALUES,
)
POSITION_KEYS = st.one_of(
    WEIRD_TEXT,
    st.sampled_from(["", "#x", "#-1", "#٣", "#" + "9" * 5000, "criteria/#0/id", "a//b", "/"]),
)


@FUZZ
@given(data=mutated(), damage=st.data())
def test_tampered_compiled_json(folder: Path, data: Any, damage: st.DataObject) -> None:
    """The browser trusts compiled JSON; a tampered positions map must not break a load."""
    try:
        source = load_yaml(to_yaml(data), str(folder / "source.yaml"))
    except RubricError:
        return
    doc = json.loads(to_compiled_json(source))
    draw = damage.draw
    op = draw(st.sampled_from(["values", "keys", "replace", "source", "nest", "drop"]))
    positions = doc["positions"]
    if op == "values" and positions:
        for key in draw(st.lists(st.sampled_from(sorted(positions)), max_size=5)):
            positions[key] = draw(POSITION_VALUES)
    elif op == "keys":
        for _ in range(draw(st.integers(1, 5))):
            positions[draw(POSITION_KEYS)] = draw(POSITION_VALUES)
    elif op == "replace":
        doc["positions"] = draw(VALUES)
    elif op == "source":
        doc["source"] = draw(VALUES)
    elif op == "nest":
        doc["positions"] = Deep(positions, draw(DEPTHS), draw(st.booleans()))
    else:
        del doc["positions"]
    path = _write(folder, "tampered.json", to_json(doc))
    load_or_located_error(path, {str(path), str(folder / "source.yaml")} | _names(doc))


def _names(doc: dict[str, Any]) -> set[str]:
    """A compiled file's errors may name the YAML it claims to come from (a text source)."""
    source = doc.get("source")
    return {source} if isinstance(source, str) else set()
