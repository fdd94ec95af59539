"""YAML and compiled-JSON reading keeps positions so errors point at the line authors edit."""

from __future__ import annotations

import json

import pytest

from skischool.errors import RubricError
from skischool.source import iter_paths, load_json, load_yaml, to_compiled_json


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
