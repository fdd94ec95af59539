"""Write the briefs for a blind round: what a tester may see of each reply exercise, and no more.

    .venv/bin/python benchmarks/judge/blind_briefs.py OUT_DIR

Each brief holds an exercise's task, platform, author, post and context: what a learner reads
on the page. Nothing of the rubric (criteria, phrases, facts, examples, model reply) goes in, so
a tester who writes from the briefs alone writes blind. OUT_DIR also gets BRIEF.md, the
instructions rounds 6 to 10 used (five replies per brief, a menu of hidden problems), and
A.list and B.list, splitting the briefs between two testers. Score a finished round with
bench_exercises.py once it is saved as blind-replies-N.yaml (see the earlier rounds' headers).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Scenario keys a learner sees on the page; everything else in a rubric stays out of a brief.
SHOWN = ("platform", "author", "post", "context", "writes")

INSTRUCTIONS = """\
# Writing test replies for a social-media course (blind round)

You are helping test an automatic checker used in a course that teaches small organisations to
handle their own social media. Each file in `briefs/` is one exercise: the TASK the learner is
given, the PLATFORM, the POST they answer (or the request they act on) and the CONTEXT (facts
they know). Use ONLY the files in this folder; open nothing else. The point is that you have
never seen how the checker works.

For each brief assigned to you, write FIVE texts, as a learner would type them:

1. `good-plain`   A good reply a sensible staff member would post: does what the task asks,
                  uses only facts in the CONTEXT, sounds like a person.
2. `good-unusual` A good reply in the voice assigned to you (it must still do the task well).
3. `good-brief`   The shortest reply that still does everything the task needs.
4. `bad-sneaky`   A reply that reads well and uses the words a good reply uses, but has ONE
                  real problem a trainer would fail it for. Vary it across your briefs, using
                  each at least once:
                  a) quietly sends the conversation private when the task wants it fixed in public;
                  b) blames someone (a colleague, a supplier, the customer) while sounding kind;
                  c) states a fact that conflicts with the CONTEXT (day, time, price, name, place);
                  d) promises something the CONTEXT does not offer (discount, gift, refund, date);
                  e) minimises or falsely reassures where that is wrong;
                  f) an excuse or explanation before any care for the person;
                  g) a stock corporate line or sales pitch doing the job a real answer should do;
                  h) skips the one thing the task says matters most.
5. `bad-salad`    Keyword salad: the right-sounding words as fragments, no real sentences.

Plain text only (emoji are fine where natural). No placeholders like [name]. Every good reply
must be one you would honestly pass as a trainer.

Write ONE YAML file, `out-<your letter>.yaml`, in this shape:

```yaml
replies:
- brief: bunny-hill__01-first-reply.txt
  kind: good-plain
  note: one line saying what the reply does (for bad ones, which letter and the problem)
  text: |-
    the reply text
```
"""


def brief_text(data: dict) -> str:
    """One exercise as a tester sees it: the task and the scenario's visible parts."""
    scenario = data.get("scenario") or {}
    lines = [f"TASK: {str(data.get('task', '')).strip()}"]
    for key in SHOWN:
        value = scenario.get(key)
        if not value:
            continue
        if key == "author":
            handle = f" ({value['handle']})" if value.get("handle") else ""
            value = f"{value.get('name', '')}{handle}".strip()
        lines.append(f"{key.upper()}: {str(value).strip()}")
    return "\n".join(lines) + "\n"


def write_briefs(out: Path) -> list[str]:
    """Write every reply exercise's brief to ``out/briefs``; return the file names."""
    (out / "briefs").mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted((ROOT / "exercises").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("kind") != "reply":
            continue
        name = f"{path.parent.name}__{path.stem}.txt"
        (out / "briefs" / name).write_text(brief_text(data), encoding="utf-8")
        names.append(name)
    half = (len(names) + 1) // 2
    (out / "A.list").write_text("\n".join(names[:half]) + "\n", encoding="utf-8")
    (out / "B.list").write_text("\n".join(names[half:]) + "\n", encoding="utf-8")
    (out / "BRIEF.md").write_text(INSTRUCTIONS, encoding="utf-8")
    return names


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    names = write_briefs(Path(args[0]))
    print(f"{len(names)} briefs in {Path(args[0]) / 'briefs'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
