"""Build hook: compile the shipped rubrics and concepts to the JSON the browser reads.

Everything else about the package is declared in pyproject.toml. Python in the browser (Pyodide)
has no PyYAML, so the wheel carries JSON compiled from the YAML sources at build time; the
compiled files are never committed, so they can never drift from their sources.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCompiledData(build_py):
    def run(self) -> None:
        super().run()
        sys.path.insert(0, str(Path(__file__).parent / "src"))
        from skischool.situations import compile_package_data

        compile_package_data(Path(self.build_lib) / "skischool")


setup(cmdclass={"build_py": BuildPyWithCompiledData})
