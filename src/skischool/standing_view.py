"""Where a learner stands, shown: levels done, a bar per level, each lesson and exercise.

One view, three forms, so the notebook and the command line never disagree:

* :meth:`ProgressView._repr_html_`: in a notebook, an accessible table per level (status in
  words, not only colour; lessons linked for the notebook; a link to download the progress
  file to hand in);
* :meth:`ProgressView.to_text` (and ``repr``): terminal-safe lines, for ``skischool progress
  show``;
* :meth:`ProgressView.to_dict`: one JSON-ready object, for ``skischool progress show --json``.

Every number comes from :func:`skischool.standing.standing`; nothing here decides what
"passed" means. A lesson's status is derived from the exercises that practise it
(``Exercise.lesson``): passed when all are, trying when any was attempted.

The module is named for what it shows (a standing) and not ``progress_view``: importing a
module named like the function ``skischool.progress_view`` would replace it on the package.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .course import Course, Exercise, bare_title
from .links import LessonLinks, for_notebook, lesson_href
from .result import esc
from .standing import NOT_STARTED, PASSED, TRYING, ExerciseStanding, LevelStanding, Standing
from .standing import standing as standing_of

BAR_WIDTH = 20
#: How each status looks in HTML: a symbol (hidden from screen readers) and a colour; the
#: word itself is always written out.
_STATUS_STYLE = {
    PASSED: ("\u2713", "#067647"),
    TRYING: ("\u25d0", "#b54708"),
    NOT_STARTED: ("\u25cb", "#475467"),
}


def lesson_status(exercises: Iterable[ExerciseStanding]) -> str:
    """A lesson's status from the exercises that practise it."""
    rows = list(exercises)
    if rows and all(e.passed for e in rows):
        return PASSED
    return TRYING if any(e.attempts for e in rows) else NOT_STARTED


@dataclass(frozen=True)
class LessonProgress:
    """A lesson of a level and the level's exercises that practise it ("" docname: other)."""

    docname: str
    title: str
    exercises: tuple[ExerciseStanding, ...]

    @property
    def status(self) -> str:
        return lesson_status(self.exercises)

    @property
    def passed(self) -> int:
        return sum(e.passed for e in self.exercises)

    @property
    def total(self) -> int:
        return len(self.exercises)


def lessons_of(course: Course, level: LevelStanding) -> tuple[LessonProgress, ...]:
    """The level's lessons with their exercises, in the order the exercises come in the course
    (so the overview, which the checkpoint practises, comes last); lessons without exercises
    follow, then exercises practising no lesson of this level."""
    order = {e.exercise.key: i for i, e in enumerate(level.exercises)}
    groups: list[LessonProgress] = []
    placed: set[str] = set()
    for docname, title in _lessons(course, level):
        mine = tuple(e for e in level.exercises if e.exercise.lesson == docname)
        placed.update(e.exercise.key for e in mine)
        if docname == level.level.index:
            title = f"{level.level.caption} overview"
        groups.append(LessonProgress(docname, title, mine))
    rest = tuple(e for e in level.exercises if e.exercise.key not in placed)
    if rest:
        groups.append(LessonProgress("", "Other exercises", rest))
    big = len(order) + 1
    groups.sort(key=lambda g: order[g.exercises[0].exercise.key] if g.exercises else big)
    return tuple(groups)


def _lessons(course: Course, level: LevelStanding) -> list[tuple[str, str]]:
    """The level's lessons (docname, title). A built course file lists no lessons: then they
    are the ones its exercises name, titled from their file names."""
    slug = level.level.slug
    if course.lessons:
        return [(ls.docname, ls.title) for ls in course.lessons if ls.level == slug]
    named = dict.fromkeys(
        e.exercise.lesson
        for e in level.exercises
        if e.exercise.lesson.startswith(f"lessons/{slug}/")
    )
    out = []
    for docname in sorted(named):
        words = docname.rsplit("/", 1)[-1].lstrip("0123456789-").replace("-", " ")
        out.append((docname, words[:1].upper() + words[1:]))
    return out


def exercise_name(exercise: Exercise) -> str:
    """An exercise as the learner knows it: its rubric's title, else its page heading."""
    return exercise.title or bare_title(exercise.heading) or exercise.key


def bar(passed: int, total: int, width: int = BAR_WIDTH) -> str:
    """``[#####---------------]``: plain ASCII, so any terminal shows it."""
    filled = round(width * passed / total) if total else 0
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _exercises(n: int) -> str:
    return f"{n} exercise{'s' if n != 1 else ''}"


def _attempts(n: int) -> str:
    return f"{n} attempt{'s' if n != 1 else ''}"


def _day(moment: str) -> str:
    from .skipass.svg import day

    return day(moment)


class ProgressView:
    """A learner's progress through the course, ready to show (see the module docstring)."""

    def __init__(
        self,
        standing: Standing | None,
        *,
        links: LessonLinks | None = None,
        source: str = "",
        export_json: str = "",
        problem: str = "",
    ) -> None:
        self.standing = standing
        self.links = links or for_notebook()
        self.source = source  # where the attempts came from, said under the title
        self.export_json = export_json  # the progress file, offered as a download in HTML
        self.problem = problem  # why there is nothing to show (no course found, ...)

    # -- the numbers -----------------------------------------------------------------------

    def levels(self) -> list[tuple[LevelStanding, tuple[LessonProgress, ...]]]:
        if self.standing is None:
            return []
        return [(lv, lessons_of(self.standing.course, lv)) for lv in self.standing.levels]

    def to_dict(self) -> dict[str, Any]:
        """Everything shown, as one JSON-ready object (``skischool progress show --json``)."""
        s = self.standing
        if s is None:
            return {"problem": self.problem}
        return {
            "course": s.course.id,
            "title": s.course.title,
            "release": s.course.release,
            "source": self.source,
            "levels_done": s.levels_done,
            "levels_total": len(s.levels),
            "exercises_passed": sum(e.passed for e in s.exercises),
            "exercises_total": len(s.exercises),
            "ski_pass": s.ski_pass,
            "ski_pass_on": s.ski_pass_on,
            "unknown_attempts": len(s.unknown),
            "levels": [
                {
                    "slug": lv.level.slug,
                    "label": lv.level.label,
                    "done": lv.done,
                    "done_on": lv.done_on,
                    "passed": lv.passed,
                    "total": lv.total,
                    "checkpoint_passed": sum(e.passed for e in lv.checkpoint),
                    "checkpoint_total": len(lv.checkpoint),
                    "lessons": [
                        {
                            "docname": g.docname,
                            "title": g.title,
                            "status": g.status,
                            "passed": g.passed,
                            "total": g.total,
                            "exercises": [_exercise_dict(e) for e in g.exercises],
                        }
                        for g in lessons
                    ],
                }
                for lv, lessons in self.levels()
            ],
        }

    # -- as text ---------------------------------------------------------------------------

    def summary(self) -> str:
        s = self.standing
        if s is None:
            return self.problem
        line = f"{s.levels_done} of {len(s.levels)} levels done"
        if s.ski_pass:
            return line + f"; ski pass earned on {_day(s.ski_pass_on)}"
        return line

    def to_text(self) -> str:
        s = self.standing
        if s is None:
            return f"No progress to show: {self.problem}"
        out = [f"{s.course.title} (release {s.course.release})"]
        if self.source:
            out.append(f"Progress from {self.source}")
        out.append(self.summary())
        if s.unknown:
            one = len(s.unknown) == 1
            out.append(
                f"({_attempts(len(s.unknown))} at {'an exercise' if one else 'exercises'} this "
                f"course does not have {'was' if one else 'were'} left out)"
            )
        for level, lessons in self.levels():
            out.append("")
            state = (
                f"checkpoint done {_day(level.done_on)}"
                if level.done
                else f"checkpoint {sum(e.passed for e in level.checkpoint)} of "
                f"{len(level.checkpoint)}"
            )
            out.append(
                f"{level.level.label}  {bar(level.passed, level.total)}  "
                f"{level.passed} of {level.total} passed · {state}"
            )
            for g in lessons:
                out.append(f"  {g.title}: {g.status} ({g.passed} of {g.total})")
                for e in g.exercises:
                    best = "best  -" if e.best is None else f"best {e.best:>3}"
                    mark = " (checkpoint)" if e.exercise.checkpoint else ""
                    out.append(
                        f"    {e.status:<11} {best}  {_attempts(e.attempts):<11} "
                        f"{exercise_name(e.exercise)}{mark}"
                    )
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.to_text()

    # -- as HTML ---------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        s = self.standing
        box = (
            '<section class="ss-progress" style="font-family:system-ui,sans-serif;'
            "color:#101828;background:#ffffff;padding:0.75em 1em;border:1px solid #d0d5dd;"
            'border-radius:8px;max-width:56em"'
        )
        if s is None:
            return f'{box} role="status"><p>No progress to show: {esc(self.problem)}</p></section>'
        title = f"Your progress in {s.course.title}"
        out = [
            f'{box} aria-label="{esc(title)}">',
            f'<h3 style="margin:0 0 0.25em">{esc(title)}</h3>',
            f'<p style="margin:0 0 0.5em"><strong>{esc(self.summary())}.</strong>',
        ]
        if not s.ski_pass:
            out.append(" Pass every level's checkpoint to earn the ski pass.")
        out.append("</p>")
        if self.source:
            out.append(f'<p style="margin:0 0 0.5em;color:#475467">From {esc(self.source)}</p>')
        for level, lessons in self.levels():
            out.append(self._level_html(level, lessons))
        if self.export_json:
            from .live.persist import download_link_html

            out.append(
                '<p style="margin:0.75em 0 0">To hand in your progress, download it: '
                + download_link_html(self.export_json)
                + "</p>"
            )
        out.append("</section>")
        return "".join(out)

    def _level_html(self, level: LevelStanding, lessons: tuple[LessonProgress, ...]) -> str:
        label = level.level.label
        cp_passed = sum(e.passed for e in level.checkpoint)
        state = (
            f"checkpoint done on {_day(level.done_on)}"
            if level.done
            else f"checkpoint {cp_passed} of {len(level.checkpoint)} passed"
        )
        counts = f"{level.passed} of {_exercises(level.total)} passed"
        out = [
            f'<h4 style="margin:1em 0 0.25em">{esc(label)}: {esc(state)}</h4>',
            f'<p style="margin:0 0 0.25em"><progress max="{max(level.total, 1)}" '
            f'value="{level.passed}" aria-label="{esc(label)}: {esc(counts)}"></progress> '
            f"{esc(counts)}</p>",
            '<table style="border-collapse:collapse;width:100%;table-layout:fixed;'
            'font-size:0.95em">',
            '<caption style="position:absolute;width:1px;height:1px;overflow:hidden;'
            'clip:rect(0 0 0 0);white-space:nowrap">'
            f"{esc(label)}: lessons and exercises</caption>",
            '<colgroup><col style="width:52%"><col style="width:18%">'
            '<col style="width:14%"><col style="width:16%"></colgroup>',
            "<thead><tr>",
        ]
        for head in ("Lesson or exercise", "Status", "Best score", "Attempts"):
            out.append(
                f'<th scope="col" style="text-align:left;border-bottom:1px solid #d0d5dd;'
                f'padding:2px 6px">{head}</th>'
            )
        out.append("</tr></thead><tbody>")
        for g in lessons:
            href = lesson_href(g.docname, self.links) if g.docname else None
            name = esc(g.title)
            if href:
                target = ' target="_blank" rel="noopener"' if self.links.new_tab else ""
                name = f'<a href="{esc(href)}"{target} style="color:#175cd3">{name}</a>'
            out.append(
                f'<tr><th scope="row" style="text-align:left;padding:4px 6px 2px">{name}</th>'
                f"<td>{_status_html(g.status)}</td>"
                f'<td colspan="2">{g.passed} of {_exercises(g.total)} passed</td></tr>'
            )
            for e in g.exercises:
                mark = " <small>(checkpoint)</small>" if e.exercise.checkpoint else ""
                best = "–" if e.best is None else str(e.best)
                out.append(
                    '<tr><th scope="row" style="text-align:left;font-weight:normal;'
                    f'padding:2px 6px 2px 1.5em">{esc(exercise_name(e.exercise))}'
                    f"{mark}</th><td>{_status_html(e.status)}</td>"
                    f"<td>{best}</td><td>{e.attempts}</td></tr>"
                )
        out.append("</tbody></table>")
        return "".join(out)


def _status_html(status: str) -> str:
    symbol, colour = _STATUS_STYLE.get(status, ("", "#101828"))
    return (
        f'<span style="color:{colour};font-weight:600;padding:0 6px">'
        f'<span aria-hidden="true">{symbol} </span>{esc(status)}</span>'
    )


def _exercise_dict(e: ExerciseStanding) -> dict[str, Any]:
    return {
        "key": e.exercise.key,
        "title": exercise_name(e.exercise),
        "kind": e.exercise.kind,
        "checkpoint": e.exercise.checkpoint,
        "lesson": e.exercise.lesson,
        "status": e.status,
        "best": e.best,
        "attempts": e.attempts,
        "passed_on": e.passed_on,
    }


# --- finding the course and the store in a notebook ------------------------------------------


def find_course(course: Course | str | Path | None = None) -> Course:
    """The course to show: given, or found from the working folder (``course.yml`` above it,
    else a built ``course.json`` there or above, as in a notebook away from the sources)."""
    from .course import CourseError, course_root, load
    from .errors import Problem

    if isinstance(course, Course):
        return course
    if course is not None:
        path = Path(course)
        if path.is_file() and path.suffix == ".json":
            return Course.from_json(path.read_text(encoding="utf-8"), str(path))
        return load(path)
    if course_root(Path.cwd()) is not None:
        return load()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        built = folder / "course.json"
        if built.is_file():
            return Course.from_json(built.read_text(encoding="utf-8"), str(built))
    raise CourseError(
        [Problem(str(here), None, None, "", "no course.yml or course.json here or above")]
    )


def _default_store() -> Any:
    if sys.platform == "emscripten":  # JupyterLite: the store the notebook exercises use
        from .live import browser_store

        return browser_store()
    from .progress import open_store

    return open_store()


def progress_view(
    store: Any = None,
    *,
    course: Course | str | Path | None = None,
    links: LessonLinks | None = None,
) -> ProgressView:
    """Your progress, shown in a notebook (or printed): ``skischool.progress_view()``.

    ``store`` is a progress store (default: the one the exercises record into); ``course`` a
    :class:`Course`, a course folder or a built ``course.json`` (default: found from here).
    Never raises for a missing course or an unreadable store: the view says what is wrong.
    """
    from .course import CourseError
    from .progress import ProgressStoreError

    try:
        model = find_course(course)
    except (CourseError, OSError, ValueError) as exc:
        detail = str(exc).splitlines()[-1].strip() if str(exc).strip() else ""
        where = f" ({detail})" if detail else ""
        return ProgressView(
            None,
            problem=(
                f"the course could not be found from {Path.cwd()}{where}; pass it as "
                "progress_view(course='path/to/the/course')"
            ),
        )
    try:
        store = store if store is not None else _default_store()
        attempts = store.attempts()
        export = store.export_json(course=model.id, release=model.release) if attempts else ""
    except (ProgressStoreError, OSError) as exc:
        return ProgressView(None, problem=f"your progress could not be read: {exc}")
    path = getattr(store, "path", None) or getattr(store, "mirror", None)
    return ProgressView(
        standing_of(model, attempts),
        links=links,
        source=str(path) if path else "",
        export_json=export,
    )


__all__ = [
    "LessonProgress",
    "ProgressView",
    "bar",
    "find_course",
    "lesson_status",
    "lessons_of",
    "progress_view",
]
