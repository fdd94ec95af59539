"""The real-reply corpus the situation rubrics are measured on, and the benchmark's arithmetic."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks/judge"))
from bench_exercises import KINDS, ROUNDS
from bench_judge import auc, figures, scenario_for
from judge.corpus import SITUATIONS, load, load_reader_labels, load_reader_ratings, split_of

ENTRIES = load()


def test_corpus_is_large_and_covers_every_situation() -> None:
    assert len(ENTRIES) >= 300
    situations = Counter(e.situation for e in ENTRIES)
    assert set(situations) == set(SITUATIONS), situations
    verdicts = Counter(e.verdict for e in ENTRIES)
    assert verdicts["good"] >= 100 and verdicts["poor"] >= 100, verdicts


def test_every_entry_names_its_source_and_reason() -> None:
    for e in ENTRIES:
        assert e.source.startswith(("https://", "http://")), e.id
        assert e.reply.strip() and e.why.strip() and e.post.strip(), e.id


def test_split_is_fixed_by_source_and_matches_the_committed_list() -> None:
    listed = {
        line.strip()
        for line in (ROOT / "benchmarks/judge/test-sources.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {e.source for e in ENTRIES if e.split == "test"} == listed
    by_source: dict[str, set[str]] = {}
    for e in ENTRIES:
        by_source.setdefault(e.source, set()).add(e.split)
    assert all(len(s) == 1 for s in by_source.values()), "one source, one side"
    share = sum(1 for e in ENTRIES if e.split == "test") / len(ENTRIES)
    assert 0.15 < share < 0.45, share
    assert split_of("https://example.org/a") == split_of(" https://example.org/a ")


def test_load_names_the_file_and_entry_of_a_broken_corpus(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text(
        "entries:\n"
        "  - {id: a, situation: complaint, platform: x, organisation: O, post: p, reply: r,"
        " verdict: great, why: w, source: 'https://x.org'}\n"
        "  - {id: a, situation: gripe, platform: x, organisation: O, post: p, reply: s,"
        " verdict: good, why: w, source: nowhere}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError) as exc:
        load([bad])
    msg = str(exc.value)
    assert "c.yaml: entries[0]: verdict 'great'" in msg
    assert "c.yaml: entries[1]: situation 'gripe'" in msg
    assert "entries[1]: source is not an address" in msg and "id a also in" in msg


def problems_loading(loader: Callable[[list, Path], object], path: Path) -> str:
    """What a reader-file loader says of a broken file (it must refuse it)."""
    with pytest.raises(ValueError) as exc:
        loader(ENTRIES, path)
    return str(exc.value)


def test_reader_labels_cover_every_entry_once() -> None:
    labels = load_reader_labels(ENTRIES)
    assert set(labels) == {e.id for e in ENTRIES}
    agreed = sum(1 for lab in labels.values() if lab.basis[0] == lab.basis[1])
    assert agreed / len(labels) > 0.8, "two readers who mostly disagree label nothing"
    # A reader who says "context" says why.
    assert all(lab.context_why for lab in labels.values() if "context" in lab.basis)


def test_broken_reader_labels_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "labels.yaml"
    first, second = ENTRIES[0].id, ENTRIES[1].id
    bad.write_text(
        "labels:\n"
        f"  {first}: {{basis: [text, maybe], shot: false}}\n"
        f"  {second}: {{basis: [text, text], shot: sometimes}}\n"
        "  nobody: {basis: [text, text], shot: false}\n",
        encoding="utf-8",
    )
    msg = problems_loading(load_reader_labels, bad)
    assert f"labels.yaml: labels.{first}: basis must be two of" in msg
    assert f"labels.{second}: shot must be true or false" in msg
    assert "labels.nobody: no corpus entry has this id" in msg
    assert f"no labels for {ENTRIES[2].id}" in msg


def test_reader_ratings_cover_the_test_split_and_nothing_else(tmp_path: Path) -> None:
    ratings = load_reader_ratings(ENTRIES)
    assert set(ratings) == {e.id for e in ENTRIES if e.split == "test"}
    assert all(len(r) == 2 for r in ratings.values()), "two readers rated every reply"
    train_id = next(e.id for e in ENTRIES if e.split == "train")
    test_ids = [e.id for e in ENTRIES if e.split == "test"]
    bad = tmp_path / "ratings.yaml"
    bad.write_text(
        f"ratings:\n  {train_id}: [4, 4]\n  {test_ids[0]}: [4, 9]\n  {test_ids[1]}: [true]\n",
        encoding="utf-8",
    )
    msg = problems_loading(load_reader_ratings, bad)
    assert f"ratings.yaml: ratings.{train_id}: no test-split entry has this id" in msg
    assert f"ratings.{test_ids[0]}: expected a list of ratings from 1 to 5" in msg
    assert f"ratings.{test_ids[1]}: expected a list of ratings from 1 to 5" in msg
    assert f"no ratings for {test_ids[2]}" in msg


def test_learned_words_baseline_learns_from_train_alone() -> None:
    from judge.baselines import learned_words

    train = [e for e in ENTRIES if e.split == "train"]
    predict, account = learned_words(train)
    probs = [predict(e) for e in train if e.verdict != "mixed"]
    truth = [e.good for e in train if e.verdict != "mixed"]
    assert all(0.0 <= p <= 1.0 for p in probs)
    # In-sample it must rank its own training replies well, or it learned nothing.
    in_sample = auc(
        [p for p, t in zip(probs, truth, strict=True) if t],
        [p for p, t in zip(probs, truth, strict=True) if not t],
    )
    assert in_sample is not None and in_sample > 0.8
    assert f"on {len(probs)} train replies" in account


def test_auc_and_confusion_arithmetic() -> None:
    assert auc([3, 4], [1, 2]) == 1.0
    assert auc([1, 2], [3, 4]) == 0.0
    assert auc([1], [1]) == 0.5
    assert auc([], [1]) is None
    f = figures([(True, True, 90), (True, False, 40), (False, False, 20), (False, True, 80)])
    assert (f.tp, f.fn, f.fp, f.tn, f.accuracy) == (1, 1, 1, 1, 0.5)
    assert f.auc == 0.75


def test_long_statements_are_judged_without_a_platform_limit() -> None:
    long = next(e for e in ENTRIES if e.platform == "x" and len(e.reply) > 280)
    assert scenario_for(long).platform == ""


@pytest.mark.parametrize("name", ROUNDS)
def test_each_round_of_blind_replies_covers_every_exercise_reply_rubric(name: str) -> None:
    # The first round had no shortest-good reply; every later one has all five kinds.
    expected_kinds = set(KINDS) - ({"good-brief"} if name == ROUNDS[0] else set())
    import yaml

    from skischool.examples import find_rubrics
    from skischool.loader import load_rubric
    from skischool.model import ReplyRubric

    replies = yaml.safe_load((ROOT / "benchmarks/judge" / name).read_text())["replies"]
    kinds: dict[str, list[str]] = {}
    for r in replies:
        kinds.setdefault(r["rubric"], []).append(r["kind"])
        assert r["text"].strip(), r
    expected = {
        str(p.relative_to(ROOT))
        for p in find_rubrics([ROOT / "exercises"])
        if isinstance(load_rubric(p), ReplyRubric)
    }
    assert set(kinds) == expected
    assert all(sorted(k) == sorted(expected_kinds) for k in kinds.values())


def test_calibration_was_trained_on_the_current_rubrics_and_concepts() -> None:
    from judge.calibration import load_calibration, sources_fingerprint

    cal = load_calibration()
    assert cal is not None
    assert cal.trained_on == sources_fingerprint(), (
        "a situation rubric or concept changed since the calibration was learned: "
        "rerun benchmarks/judge/train_calibration.py --write"
    )
    assert cal.cross_validated["replies"] >= 150


def test_calibration_applied_in_pure_python_matches_scikit_learn() -> None:
    from judge.calibration import load_calibration
    from sklearn.linear_model import LogisticRegression
    from train_calibration import training_rows

    cal = load_calibration()
    assert cal is not None
    xs, ys, _ = training_rows()
    names = sorted(xs[0])
    assert set(cal.weights) == set(names), "features changed since training"
    model = LogisticRegression(C=cal.cross_validated["C"], max_iter=2000)
    model.fit([[x[k] for k in names] for x in xs], ys)
    sk = model.predict_proba([[x[k] for k in names] for x in xs[:40]])[:, 1]
    ours = [cal.probability(x) for x in xs[:40]]
    assert max(abs(a - b) for a, b in zip(ours, sk, strict=True)) < 1e-4


def test_a_malformed_calibration_is_refused_with_its_name() -> None:
    from judge.calibration import from_dict

    with pytest.raises(ValueError, match=r"c\.json: expected a calibration with version 1"):
        from_dict({"version": 9}, "c.json")
    with pytest.raises(ValueError, match=r"c\.json: malformed calibration"):
        from_dict({"version": 1, "weights": [], "unsure": [0.3, 0.7]}, "c.json")


def test_the_second_opinion_note_matches_the_measured_agreement() -> None:
    """The words every general-rubric check prints must stay true of the held-out figure."""
    from bench_judge import judge, rubric_rows

    from skischool.situations import AGREEMENT, SECOND_OPINION

    held_out = [e for e in ENTRIES if e.split == "test" and e.verdict != "mixed"]
    accuracy = figures(rubric_rows(judge(held_out))).accuracy
    low, high = AGREEMENT
    assert low <= accuracy <= high, (
        f"held-out accuracy is {accuracy:.2f}; update SECOND_OPINION ({SECOND_OPINION!r}) "
        "and AGREEMENT in skischool/situations.py to say what the judge is now worth"
    )


def test_blind_briefs_show_what_a_learner_sees_and_nothing_of_the_rubric(tmp_path: Path) -> None:
    import yaml
    from blind_briefs import write_briefs

    names = write_briefs(tmp_path)
    rubrics = {
        n: yaml.safe_load(
            (ROOT / "exercises" / n.split("__")[0] / (n.split("__")[1][:-4] + ".yaml")).read_text()
        )
        for n in names
    }
    assert len(names) == 25 and all(r["kind"] == "reply" for r in rubrics.values())
    lists = (tmp_path / "A.list").read_text().split() + (tmp_path / "B.list").read_text().split()
    assert sorted(lists) == sorted(names)
    for name, rubric in rubrics.items():
        brief = (tmp_path / "briefs" / name).read_text()
        assert rubric["task"].split()[0] in brief and rubric["scenario"]["post"][:40] in brief
        # Nothing a tester could write to: no model reply, no example, no criterion's words.
        secrets = [rubric.get("model_reply", "")] + [e["text"] for e in rubric["examples"]]
        secrets += [c["message"] for c in rubric["criteria"] if isinstance(c.get("message"), str)]
        # (An example that posts the scenario's own AI draft as it is shows nothing new.)
        shown = str(rubric["scenario"])
        hidden = [
            s.strip()[:60] for s in secrets if s and s.strip() and s.strip()[:60] not in shown
        ]
        assert hidden and not any(h in brief for h in hidden), name
