"""JUnit XML, the test-report format CI systems show: suites of test cases that pass or fail.

Why its own module: learner text ends up in failure messages, and XML 1.0 cannot carry every
character (NUL, most control characters, lone surrogates are forbidden outright, not just
escaped). :func:`xml_text` spells those out visibly, and ElementTree escapes the rest, so the
file always parses, whatever a learner wrote.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

# Characters XML 1.0 allows: tab, newline, carriage return, and most of Unicode.
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Feedback bodies are clipped here: a report is read by a person, and CI viewers choke on
#: megabytes in one test case.
MAX_BODY_CHARS = 100_000
MAX_MESSAGE_CHARS = 1_000


def xml_text(text: object, limit: int = MAX_BODY_CHARS) -> str:
    """``text`` made safe for XML 1.0: forbidden characters shown as ``\\x1b`` or ``\\ud800``."""
    s = str(text)
    if len(s) > limit:
        s = s[:limit] + f"\n[... {len(s) - limit:,} more characters not shown]"
    return _FORBIDDEN.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        s,
    )


@dataclass(frozen=True)
class Outcome:
    """How a test case ended when it did not pass: a failure, an error or a skip."""

    kind: str  # "failure", "error" or "skipped"
    message: str
    body: str = ""
    type: str = ""


@dataclass(frozen=True)
class Case:
    classname: str
    name: str
    seconds: float = 0.0
    outcome: Outcome | None = None  # None: passed
    output: str = ""  # <system-out>: what a passing case has to say


@dataclass(frozen=True)
class Suite:
    name: str
    cases: tuple[Case, ...]


def _count(cases: Sequence[Case], kind: str) -> int:
    return sum(1 for c in cases if c.outcome is not None and c.outcome.kind == kind)


def _totals(element: ET.Element, cases: Sequence[Case]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(_count(cases, "failure")))
    element.set("errors", str(_count(cases, "error")))
    element.set("skipped", str(_count(cases, "skipped")))
    element.set("time", f"{sum(c.seconds for c in cases):.3f}")


def to_xml(suites: Sequence[Suite], name: str) -> str:
    """The whole report: ``<testsuites>`` holding one ``<testsuite>`` per suite."""
    root = ET.Element("testsuites", name=xml_text(name, MAX_MESSAGE_CHARS))
    _totals(root, [c for s in suites for c in s.cases])
    for suite in suites:
        element = ET.SubElement(root, "testsuite", name=xml_text(suite.name, MAX_MESSAGE_CHARS))
        _totals(element, suite.cases)
        for case in suite.cases:
            item = ET.SubElement(
                element,
                "testcase",
                classname=xml_text(case.classname, MAX_MESSAGE_CHARS),
                name=xml_text(case.name, MAX_MESSAGE_CHARS),
                time=f"{case.seconds:.3f}",
            )
            if case.outcome is not None:
                end = ET.SubElement(
                    item,
                    case.outcome.kind,
                    message=xml_text(case.outcome.message, MAX_MESSAGE_CHARS),
                )
                if case.outcome.type:
                    end.set("type", xml_text(case.outcome.type, MAX_MESSAGE_CHARS))
                if case.outcome.body:
                    end.text = xml_text(case.outcome.body)
            if case.output:
                ET.SubElement(item, "system-out").text = xml_text(case.output)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["MAX_BODY_CHARS", "Case", "Outcome", "Suite", "to_xml", "xml_text"]
