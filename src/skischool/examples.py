"""Running a rubric's own examples: the rubric proves itself before a learner ever sees it.

An example that gets the wrong verdict, or a failing example that does not fail the criteria it
names, means the rubric contradicts itself; that is reported like any other rubric error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .conversation import ConversationRubric
from .errors import Problem, RubricError, format_path
from .model import Example, ReplyRubric
from .result import Result
from .source import Source, load_source
from .triage import ACTIONS, Sorted, TriageRubric

if TYPE_CHECKING:
    from .loader import AnyRubric


@dataclass(frozen=True)
class ExampleOutcome:
    example: Example
    result: Result
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def example_answer(rubric: AnyRubric, example: Example) -> Any:
    """The answer an example stands for, in the form the rubric's ``check`` takes."""
    if isinstance(rubric, ReplyRubric):
        return example.text
    if isinstance(rubric, ConversationRubric):
        return list(example.replies)
    if isinstance(rubric, TriageRubric):
        return triage_sorting(rubric, example.start, example.changes)
    return list(example.choose)


def triage_sorting(
    rubric: TriageRubric, start: str, changes: tuple[tuple[str, str, str], ...] = ()
) -> dict[str, dict[str, str]]:
    """A sorting built from a starting point and changes: how triage examples stay short."""
    if start == "best":
        base = rubric.best()
    elif start.endswith("-all") and start[:-4] in ACTIONS:
        base = {i.id: Sorted(start[:-4], "") for i in rubric.items}
    else:
        base = {}
    for item, action, reason in changes:
        base[item] = Sorted(action, reason)
    return {k: {"action": s.action, "reason": s.reason} for k, s in base.items()}


def run_example(rubric: AnyRubric, example: Example) -> ExampleOutcome:
    """Check one example and say, in words, anything it got wrong."""
    result = rubric.check(example_answer(rubric, example))
    problems: list[str] = []
    want_pass = example.expect == "pass"
    if result.passed != want_pass:
        unmet = [c.id for c in result.criteria if c.met is False]
        got = "passed" if result.passed else f"failed ({', '.join(unmet) or 'score too low'})"
        problems.append(
            f"expected this example to {example.expect} but it {got} with score {result.score} "
            f"(pass_score {result.pass_score}, {result.summary})"
        )
    if not want_pass:
        met = {c.id for c in result.criteria if c.met is not False}
        for cid in example.fails:
            if cid in met:
                problems.append(f"names '{cid}' in fails, but the example meets that criterion")
    if example.moves:
        made = tuple(t.move for t in result.turns if t.move)
        if made != example.moves:
            problems.append(
                f"expected the replies to make the moves {', '.join(example.moves)} but they "
                f"made {', '.join(made) or 'none'}"
            )
    return ExampleOutcome(example, result, tuple(problems))


def run_examples(rubric: AnyRubric) -> list[ExampleOutcome]:
    return [run_example(rubric, e) for e in rubric.examples]


def example_problems(rubric: AnyRubric, source: Source) -> list[Problem]:
    """Every contradiction between a rubric and its examples (and its model reply)."""
    out: list[Problem] = []
    for outcome in run_examples(rubric):
        path = ("examples", outcome.example.index)
        line, col = source.where(path)
        for msg in outcome.problems:
            out.append(Problem(source.file, line, col, format_path(path), msg))
    for t, turn in enumerate(rubric.turns if isinstance(rubric, ConversationRubric) else ()):
        if not turn.model_reply:
            continue
        models = [u.model_reply for u in rubric.turns[: t + 1]]
        verdicts, _ = rubric.walk(models)
        v = verdicts[-1]
        if not v.result.passed or (turn.next and v.move != "owned"):
            unmet = ", ".join(c.id for c in v.result.criteria if c.met is False)
            line, col = source.where(("turns", t, "model_reply"))
            out.append(
                Problem(
                    source.file,
                    line,
                    col,
                    format_path(("turns", t, "model_reply")),
                    f"the model reply must pass its turn and own it, but it scored "
                    f"{v.result.score} ({v.result.summary}; not met: {unmet or 'none'})",
                )
            )
    if isinstance(rubric, TriageRubric):
        best = rubric.check(triage_sorting(rubric, "best"))
        if not best.passed:
            line, col = source.where(("items",))
            out.append(
                Problem(
                    source.file,
                    line,
                    col,
                    "items",
                    f"the best sorting must pass, but it scored {best.score}",
                )
            )
    if isinstance(rubric, ReplyRubric) and rubric.model_reply:
        result = rubric.check(rubric.model_reply)
        if not result.passed:
            unmet = ", ".join(c.id for c in result.criteria if c.met is False)
            line, col = source.where(("model_reply",))
            out.append(
                Problem(
                    source.file,
                    line,
                    col,
                    "model_reply",
                    f"the model reply must pass its own rubric, but it scored {result.score} "
                    f"({result.summary}; not met: {unmet or 'none'})",
                )
            )
    return out


def validate_file(path: str | Path) -> list[Problem]:
    """Everything wrong with one rubric file: shape, meaning, its lessons and its own examples."""
    from .loader import build

    try:
        source = load_source(path)
    except RubricError as exc:
        return exc.problems
    lessons = lesson_problems(source, path)
    try:
        rubric = build(source)
    except RubricError as exc:
        return exc.problems + lessons
    return lessons + example_problems(rubric, source)


def lesson_problems(source: Source, path: str | Path) -> list[Problem]:
    """Each ``lesson:`` that names no page the course around ``path`` builds.

    Needs the course on disk (the folder holding ``_toc.yml``, found upwards from the file); a
    rubric outside any course, such as an installed package's, is only checked for shape.
    """
    from .course import course_root, lesson_problem
    from .loader import lesson_fields

    root = course_root(path)
    if root is None:
        return []
    out: list[Problem] = []
    for field_path, value in lesson_fields(source.data):
        message = lesson_problem(value, root)
        if message is not None:
            line, col = source.where(field_path)
            out.append(Problem(source.file, line, col, format_path(field_path), message))
    return out


RUBRIC_SUFFIXES = (".yaml", ".yml")


def find_rubrics(paths: list[str | Path]) -> list[Path]:
    """Rubric files named directly, or found under folders (``*.yaml``/``*.yml``)."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(
                sorted(q for q in p.rglob("*") if q.suffix in RUBRIC_SUFFIXES and q.is_file())
            )
        else:
            found.append(p)
    return found
