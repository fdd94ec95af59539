"""YAML and compiled-JSON reading keeps positions so errors point at the line authors edit."""

from __future__ import annotations

import json

import pytest

from skischool.errors import RubricError
from skischool.source import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    iter_paths,
    load_json,
    load_yaml,
    to_compiled_json,
)


def test_positions_for_every_field() -> None:
    src = load_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    for path in iter_paths(src.data):
        assert path in src.positions, path
    assert src.where(("b", 1, "c")) == (4, 9)  # where the value 2 starts
    assert src.key_position(("b", 1, "c")) == (4, 6)  # where the key c starts
    assert src.where(("b", 9)) == src.positions[("b",)]  # unknown: nearest parent


def test_compiled_json_round_trip_keeps_yaml_positions() -> None:
    src = load_yaml("kind: reply\ntitle: T\nlist: [a, b]\n", "rubric.yaml")
    back = load_json(to_compiled_json(src), "rubric.json")
    assert back.data == src.data
    assert back.file == "rubric.yaml"
    assert back.where(("list", 1)) == src.where(("list", 1))


def test_json_duplicate_keys_and_syntax() -> None:
    with pytest.raises(RubricError, match="duplicate key 'a'"):
        load_json('{"a": 1, "a": 2}', "x.json")
    with pytest.raises(RubricError) as info:
        load_json('{"a": 1,\n  }', "x.json")
    assert info.value.problems[0].line == 2


def test_dates_stay_text() -> None:
    src = load_yaml("when: 2024-01-01\n", "f.yaml")
    assert src.data == {"when": "2024-01-01"}


def test_merge_keys_work_and_anchors_are_safe() -> None:
    src = load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert src.data["other"] == {"x": 1, "y": 2}
    json.dumps(src.data)


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(RubricError, match="too many values"):
        load_yaml("\n".join(lines) + "\n", "bomb.yaml")


# -- hostile files end in a located error, never a traceback ------------------------------------

DEEP_YAML = {
    "flow sequences": "a: " + "[" * 800 + "]" * 800 + "\n",
    "flow mappings": "a: " + "{a: " * 800 + "1" + "}" * 800 + "\n",
    "block mappings": "".join("  " * i + "a:\n" for i in range(800)) + "  " * 800 + "1\n",
    "compact sequences": "a:\n" + "- " * 900 + "x\n",
    "a sequence that holds itself": "a: &a [*a]\n",
    "a mapping that holds itself": "a: &a {b: *a}\n",
}


@pytest.mark.parametrize("text", DEEP_YAML.values(), ids=list(DEEP_YAML))
def test_deep_yaml_is_a_located_error(text: str) -> None:
    with pytest.raises(RubricError) as info:
        load_yaml(text, "deep.yaml")
    (p,) = info.value.problems
    assert p.file == "deep.yaml" and p.line is not None and p.column is not None
    assert f"nested more than {MAX_DEPTH} levels deep" in p.message


def test_depth_limit_is_exact() -> None:
    """MAX_DEPTH levels load; one more is refused (the top mapping is level 1)."""
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load_yaml(ok, "f.yaml").data is not None
    with pytest.raises(RubricError, match="nested more than"):
        load_yaml("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "f.yaml")


@pytest.mark.parametrize("text", DEEP_YAML.values(), ids=list(DEEP_YAML))
def test_deep_yaml_without_libyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML's pure-Python composer recurses per level; it must stop before Python's limit."""
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    with pytest.raises(RubricError, match="nested more than") as info:
        load_yaml(text, "deep.yaml")
    assert info.value.problems[0].line is not None
    assert load_yaml("base: &b {x: 1}\nother: {<<: *b, y: 2}\n", "f.yaml").data["other"] == {
        "x": 1,
        "y": 2,
    }


def test_long_merge_chain_is_flattened_without_recursion() -> None:
    # Refused tags stop the walker before it flattens, so the last merge would unroll them all.
    lines = ["x0: !foo &c0 {k: 1}"]
    lines += [f"x{i}: !foo &c{i} {{<<: *c{i - 1}}}" for i in range(1, 1500)]
    lines.append("y: {<<: *c1499}")
    with pytest.raises(RubricError) as info:
        load_yaml("\n".join(lines) + "\n", "chain.yaml")
    assert all("YAML tag '!foo'" in p.message for p in info.value.problems)
    chain = ["a0: &a0 {k0: 1}"] + [f"a{i}: &a{i} {{<<: *a{i - 1}}}" for i in range(1, 1500)]
    assert load_yaml("\n".join(chain) + "\n", "ok.yaml").data["a1499"] == {"k0": 1}


HUGE = "9" * 5000
BIG_NUMBERS = {
    "decimal": f"pass_score: {HUGE}\n",
    "hexadecimal": "pass_score: 0x" + "f" * 4000 + "\n",
    "sexagesimal": "pass_score: " + ":".join(["59"] * 3000) + "\n",
    "as a key": f"? {HUGE}\n: 1\n",
    "just past the limit": "pass_score: 1" + "0" * MAX_INT_DIGITS + "\n",
}


@pytest.mark.parametrize("text", BIG_NUMBERS.values(), ids=list(BIG_NUMBERS))
def test_huge_yaml_integers_are_a_located_error(text: str) -> None:
    with pytest.raises(RubricError) as info:
        load_yaml("title: T\n" + text, "n.yaml")
    (p,) = info.value.problems
    assert (p.file, p.line) == ("n.yaml", 2)
    assert f"more than {MAX_INT_DIGITS} digits" in p.message


def test_largest_allowed_integer_loads_and_compiles() -> None:
    src = load_yaml("n: " + "9" * MAX_INT_DIGITS + "\n", "n.yaml")
    assert load_json(to_compiled_json(src), "n.json").data == src.data


def test_impossible_dates_stay_text() -> None:
    src = load_yaml("when: 2024-13-45\nalso: 2024-02-30 10:00:00\n2024-13-45: key\n", "f.yaml")
    assert src.data == {"when": "2024-13-45", "also": "2024-02-30 10:00:00", "2024-13-45": "key"}


DEEP_JSON = {
    "arrays": '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
    "objects": '{"a": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}",
    "unclosed": "\n[" + "[" * 100_000,
    "inside a compiled file": '{"positions": {}, "rubric": {"a": ' + "[" * 900 + "]" * 900 + "}}",
}


@pytest.mark.parametrize("text", DEEP_JSON.values(), ids=list(DEEP_JSON))
def test_deep_json_is_a_located_error(text: str) -> None:
    with pytest.raises(RubricError) as info:
        load_json(text, "deep.json")
    (p,) = info.value.problems
    assert p.file == "deep.json" and p.line is not None
    assert f"nested more than {MAX_DEPTH} levels deep" in p.message


def test_json_brackets_inside_strings_do_not_nest() -> None:
    text = json.dumps({"a": "[" * 5000, "b": '\\"[[[' * 100, "c": [[["x"]]]})
    assert load_json(text, "f.json").data["c"] == [[["x"]]]


def test_compiled_json_as_deep_as_its_yaml_loads() -> None:
    src = load_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n", "f.yaml")
    assert load_json(to_compiled_json(src), "f.json").data == src.data


def test_huge_json_integer_is_a_located_error() -> None:
    text = '{"kind": "reply",\n "pass_score": -' + HUGE + "}"
    with pytest.raises(RubricError) as info:
        load_json(text, "n.json")
    (p,) = info.value.problems
    assert (p.file, p.line, p.column) == ("n.json", 2, 16)  # where the minus sign is
    assert f"more than {MAX_INT_DIGITS} digits" in p.message


TAMPERED_POSITIONS: list[object] = [
    "zz",
    [1, 2],
    None,
    {"": "zz", "kind": [1], "title": [1, 2, 3], "a": {"b": 1}},
    {"#x": [1, 2], "#" + "9" * 5000: [1, 2], "#-1": [1, 2], "#٣": [1, 2]},
    {"kind": [True, False], "title": [0, -5], "task": [1.5, 2], "level": ["1", "2"]},
    {"kind": [10**30, 1], "title": [1, 10**600]},
    {"nowhere/at/all": [3, 4], "criteria/#99999/id": [5, 6]},
]


@pytest.mark.parametrize("positions", TAMPERED_POSITIONS)
def test_tampered_positions_are_ignored(positions: object) -> None:
    doc = {"source": "r.yaml", "positions": positions, "rubric": {"kind": "x"}}
    src = load_json(json.dumps(doc), "r.json")
    assert src.data == {"kind": "x"} and src.file == "r.yaml"
    for path, (line, col) in src.positions.items():
        assert isinstance(path, tuple)
        assert type(line) is int and type(col) is int and line >= 1 and col >= 1
    line, col = src.where(("kind",))
    assert line is None or 1 <= line <= 10_000_000


def test_good_positions_survive_bad_neighbours() -> None:
    doc = {"positions": {"kind": [3, 7], "title": "bad", "#x": [1, 1]}, "rubric": {}}
    assert load_json(json.dumps(doc), "r.json").positions == {("kind",): (3, 7)}


@pytest.mark.parametrize("source", [None, "", "  ", 7, ["r.yaml"], {"a": 1}])
def test_compiled_source_name_must_be_text(source: object) -> None:
    doc = {"source": source, "positions": {}, "rubric": {}}
    assert load_json(json.dumps(doc), "r.json").file == "r.json"
