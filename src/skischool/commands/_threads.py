"""``skischool check`` for the kinds that are more than one answer: conversations and triage.

A conversation takes its replies as repeated ``--reply TEXT``, as a FILE (or ``-``) with the
replies separated by lines of ``---``, or, at a terminal with neither, one turn at a time:
the post, your reply, then what they say back. A triage takes its sorting as a FILE (YAML or
JSON: item id to "action reason"); without one it prints the queue and a template to fill in.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from ..conversation import ConversationRubric
from ..render import printable
from ..triage import ACTIONS, TriageRubric

#: A line of only dashes separates replies in a conversation file.
SEPARATOR = re.compile(r"^-{3,}[ \t]*$", re.M)


def split_replies(text: str) -> list[str]:
    """Replies from a file's text: separated by lines of ``---``, each stripped."""
    return [part.strip() for part in SEPARATOR.split(text)]


def conversation_replies(
    rubric: ConversationRubric, args: argparse.Namespace, read_file: Any, say: Any
) -> list[str] | None:
    """The replies the user gave, or None when none were given and no terminal can ask."""
    if args.reply:
        return [str(r) for r in args.reply]
    if args.text is not None:
        return [str(args.text)]
    if args.file is not None:
        return split_replies(read_file(args))
    stdin = sys.stdin
    if stdin is None or not getattr(stdin, "isatty", lambda: False)():
        return None
    return _ask(rubric, say)


def _ask(rubric: ConversationRubric, say: Any) -> list[str]:
    """One turn at a time at a terminal: the post, then the reply (an empty line ends it)."""
    replies: list[str] = []
    for n in range(1, len(rubric.turns) + 1):
        post = rubric.next_message(replies)
        if post is None:
            break
        say(f"\n{printable(post.author)}: {printable(post.text)}\n")
        say(f"Reply {n} of {len(rubric.turns)} (end with an empty line):")
        lines: list[str] = []
        for line in sys.stdin:
            if not line.strip():
                break
            lines.append(line.rstrip("\n"))
        replies.append("\n".join(lines))
    return replies


def next_post_text(rubric: ConversationRubric, replies: list[str]) -> str:
    """For a conversation cut short: the post the next reply would answer."""
    post = rubric.next_message(replies)
    if post is None or len(replies) >= len(rubric.turns):
        return ""
    return (
        f"Next, {post.author} writes: {post.text}\n"
        f"Give reply {len(replies) + 1} of {len(rubric.turns)} with one more --reply."
    )


def read_sorting(text: str, name: str) -> object:
    """A sorting file's data (YAML or JSON); a broken file is a RubricError naming its line."""
    from ..source import load_yaml

    return load_yaml(text, name).data


def queue_text(rubric: TriageRubric) -> str:
    """The queue as a sorting file to fill in: everything a learner reads is a YAML comment,
    and each item's id waits for "action reason", so the output saved to a file is the answer
    form (an id left blank counts as not sorted)."""
    head = [rubric.title, rubric.task, ""]
    if rubric.scenario is not None:
        # What the page shows above the queue: the morning's note and what you know.
        head += [rubric.scenario.post, ""]
        if rubric.scenario.context:
            head += [f"What you know: {rubric.scenario.context}", ""]
    head.append("Actions: " + ", ".join(f"{a} ({label})" for a, label in ACTIONS.items()))
    head.append("Reasons:")
    head += [f"  {r.id}: {r.text}" for r in rubric.reasons]
    first = rubric.items[0].id if rubric.items else "c01"
    reason = rubric.reasons[0].id if rubric.reasons else "reason"
    head += ["", f'After each id, write an action and a reason, e.g. "{first}: reply {reason}".']
    lines = [f"# {printable(line)}".rstrip() for line in head]
    for n, item in enumerate(rubric.items, 1):
        who = item.author.name or item.author.handle or "Someone"
        lines += ["", f"# {n}. {printable(who)}: {printable(item.text)}", f"{item.id}:"]
    return "\n".join(lines)


__all__ = [
    "conversation_replies",
    "next_post_text",
    "queue_text",
    "read_sorting",
    "split_replies",
]
