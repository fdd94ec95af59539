"""Running a rubric's own examples: the rubric proves itself before a learner ever sees it.

An example that gets the wrong verdict, or a failing example that does not fail the criteria it
names, means the rubric contradicts itself; that is reported like any other rubric error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, RubricError, format_path
from .model import ChoiceRubric, Example, ReplyRubric
from .result import Result
from .source import Source, load_source


@dataclass(frozen=True)
class ExampleOutcome:
    example: Example
    result: Result
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def run_example(rubric: ReplyRubric | ChoiceRubric, example: Example) -> ExampleOutcome:
    """Check one example and say, in words, anything it got wrong."""
    if isinstance(rubric, ReplyRubric):
        result = rubric.check(example.text)
    else:
        result = rubric.check(list(example.choose))
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
    return ExampleOutcome(example, result, tuple(problems))


def run_examples(rubric: ReplyRubric | ChoiceRubric) -> list[ExampleOutcome]:
    return [run_example(rubric, e) for e in rubric.examples]


def example_problems(rubric: ReplyRubric | ChoiceRubric, source: Source) -> list[Problem]:
    """Every contradiction between a rubric and its examples (and its model reply)."""
    out: list[Problem] = []
    for outcome in run_examples(rubric):
        path = ("examples", outcome.example.index)
        line, col = source.where(path)
        for msg in outcome.problems:
            out.append(Problem(source.file, line, col, format_path(path), msg))
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
