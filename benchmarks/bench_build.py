"""Book build benchmarks: prints figures for the closing note (not a pass/fail test).

Run: .venv/bin/python benchmarks/bench_build.py
Builds into a temporary --path-output with the real scripts/build.sh, so it measures exactly what
`bash scripts/course.sh` does: a clean build that executes every notebook, a rebuild with nothing
changed, and a rebuild after editing one lesson (the edit is reverted afterwards).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(out: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["SKISCHOOL_SETUP_DONE"] = "1"
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build.sh"), "--path-output", str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed


def main() -> None:
    lessons = sorted(ROOT.glob("lessons/*/[0-9]*.md"))
    pages = len(list(ROOT.glob("lessons/**/*.md"))) + len(list(ROOT.glob("exercises/**/*.md")))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        clean = build(out)
        print(f"clean full build, executing every notebook ({pages} course pages): {clean:.1f} s")
        nochange = build(out)
        print(f"rebuild with nothing changed: {nochange:.1f} s")
        if lessons:
            lesson = lessons[0]
            original = lesson.read_text(encoding="utf-8")
            try:
                lesson.write_text(original + "\nEdited for the benchmark.\n", encoding="utf-8")
                edited = build(out)
            finally:
                lesson.write_text(original, encoding="utf-8")
            print(f"rebuild after editing one lesson ({lesson.relative_to(ROOT)}): {edited:.1f} s")


if __name__ == "__main__":
    main()
