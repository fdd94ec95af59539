"""Launch links: nbgitpuller and Binder links parse back to what they were made from.

Every link is taken apart again with urllib.parse, the way a hub would read it, rather than
compared with a string written by hand. The book's own JupyterHub button (sphinx-book-theme,
fed from _config.yml through Jupyter Book) must agree with ``skischool launch-link``, and the
Binder environment in binder/ must hold together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from skischool.cli import main
from skischool.launch import (
    LaunchError,
    binder_link,
    colab_link,
    nbgitpuller_link,
    page_path,
    repo_folder,
)

from .conftest import ROOT

HUB = "https://hub.example.org"
REPO = "https://github.com/acme/social-media-ski-school"
PAGE = "exercises/bunny-hill/01-first-reply.md"


def query(link: str) -> dict[str, str]:
    """The link's query as a hub reads it: every parameter exactly once."""
    raw = parse_qs(urlsplit(link).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in raw.values()), raw
    return {k: v[0] for k, v in raw.items()}


def opened_file(urlpath: str, app_prefix: str = "lab/tree/") -> str:
    """The file a Jupyter server opens for ``urlpath`` (it decodes the path once more)."""
    assert urlpath.startswith(app_prefix), urlpath
    return unquote(urlpath[len(app_prefix) :])


# --- nbgitpuller ---------------------------------------------------------------------------------


def test_a_hub_link_names_the_repository_branch_and_page() -> None:
    link = nbgitpuller_link(HUB, REPO, "main", PAGE)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.org")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert not parts.fragment
    q = query(link)
    assert q.keys() == {"repo", "branch", "urlpath"}
    assert q["repo"] == REPO
    assert q["branch"] == "main"
    # nbgitpuller clones into a folder named after the repository, so the page sits inside it.
    assert opened_file(q["urlpath"]) == f"social-media-ski-school/{PAGE}"


def test_the_notebook_app_and_a_hub_below_a_path() -> None:
    link = nbgitpuller_link(
        "https://uni.example.edu/jupyter/", REPO, "spring-2027", PAGE, "notebook"
    )
    assert urlsplit(link).path == "/jupyter/hub/user-redirect/git-pull"
    q = query(link)
    assert q["branch"] == "spring-2027"
    assert opened_file(q["urlpath"], "tree/") == f"social-media-ski-school/{PAGE}"


def test_no_path_opens_the_repository_folder() -> None:
    assert query(nbgitpuller_link(HUB, REPO))["urlpath"] == "lab/tree/social-media-ski-school"


@pytest.mark.parametrize(
    "path",
    [
        "exercises/bunny-hill/my first reply.md",
        "lessons/ünïcödé/日本語 ページ.md",
        "odd/a?b#c%20d+e&f=g.md",
        "emoji/🎿 run.md",
        "branch/feature/x.md",
    ],
)
def test_paths_with_spaces_unicode_and_url_characters_round_trip(path: str) -> None:
    q = query(nbgitpuller_link(HUB, REPO, path=path))
    assert opened_file(q["urlpath"]) == f"social-media-ski-school/{path}"
    # Nothing in the path may leak into the link's own structure.
    assert urlsplit(nbgitpuller_link(HUB, REPO, path=path)).path == "/hub/user-redirect/git-pull"


SEGMENT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"), min_size=1
).filter(lambda s: s.strip() not in ("", ".", ".."))


@given(st.lists(SEGMENT, min_size=1, max_size=4))
def test_any_relative_path_round_trips(segments: list[str]) -> None:
    path = page_path("/".join(segments))  # what the link promises to open
    link = nbgitpuller_link(HUB, REPO, path="/".join(segments))
    assert opened_file(query(link)["urlpath"]) == f"social-media-ski-school/{path}"
    assert "\n" not in link and " " not in link


def test_paths_are_cleaned_and_kept_inside_the_repository() -> None:
    assert page_path("./exercises//bunny-hill/./x.md") == "exercises/bunny-hill/x.md"
    assert page_path("exercises\\bunny-hill\\x.md") == "exercises/bunny-hill/x.md"
    assert page_path("  ") == ""
    for bad in ("/etc/passwd", "../outside.md", "exercises/../../outside.md", "a\x00b"):
        with pytest.raises(LaunchError, match="path"):
            nbgitpuller_link(HUB, REPO, path=bad)


@pytest.mark.parametrize(
    "hub",
    [
        "hub.example.org",  # no scheme
        "ftp://hub.example.org",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "https://hub.example.org:notaport",
        "https://hub.example.org/?next=/evil",
        "https://hub.example.org/#x",
        "https://hub.example.org/hub/login",  # a page of the hub, not its address
        "https://hub.example.org/user/alice/lab",
        "https://hub example.org",
        "",
    ],
)
def test_a_hub_that_is_not_a_plain_web_address_is_refused(hub: str) -> None:
    with pytest.raises(LaunchError, match="hub address"):
        nbgitpuller_link(hub, REPO, path=PAGE)


@pytest.mark.parametrize("repo", ["github.com/acme/x", "https://github.com", "ssh://git@x/y", ""])
def test_a_repository_that_is_not_a_web_address_is_refused(repo: str) -> None:
    with pytest.raises(LaunchError, match="repository"):
        nbgitpuller_link(HUB, repo)


def test_bad_branch_and_app_are_refused() -> None:
    with pytest.raises(LaunchError, match="branch"):
        nbgitpuller_link(HUB, REPO, branch="two words")
    with pytest.raises(LaunchError, match="branch"):
        nbgitpuller_link(HUB, REPO, branch="")
    with pytest.raises(LaunchError, match="app"):
        nbgitpuller_link(HUB, REPO, app="rstudio")


def test_the_repository_folder_is_what_nbgitpuller_makes() -> None:
    """nbgitpuller names the folder after the address's last part, as written (.git kept)."""
    assert repo_folder("https://github.com/acme/ski/") == "ski"
    assert repo_folder("https://git.example.org/group/sub/ski.git") == "ski.git"
    link = nbgitpuller_link(HUB, "https://github.com/acme/ski/", path="a.md")
    assert query(link)["repo"] == "https://github.com/acme/ski"  # no trailing slash to disagree


# --- Binder and Colab ----------------------------------------------------------------------------


def test_a_binder_link_builds_the_repository_and_opens_the_page() -> None:
    link = binder_link(REPO, "main", "lessons/bunny-hill/my lesson.md")
    parts = urlsplit(link)
    assert parts.netloc == "mybinder.org"
    assert parts.path == "/v2/gh/acme/social-media-ski-school/main"
    # On Binder the repository is the home folder: no repository folder in front.
    assert opened_file(query(link)["urlpath"]) == "lessons/bunny-hill/my lesson.md"


def test_a_binder_link_for_a_repository_outside_github() -> None:
    repo = "https://gitlab.example.org/school/ski"
    link = binder_link(repo, "feature/x", PAGE, binderhub="https://binder.example.org/")
    parts = urlsplit(link)
    prefix, encoded_repo, branch = parts.path.rsplit("/", 2)
    assert prefix == "/v2/git"
    assert (unquote(encoded_repo), unquote(branch)) == (repo, "feature/x")


def test_colab_refuses_markdown_pages_and_says_why() -> None:
    with pytest.raises(LaunchError, match=r"\.ipynb"):
        colab_link(REPO, path=PAGE)
    with pytest.raises(LaunchError, match="GitHub"):
        colab_link("https://gitlab.com/acme/ski", path="x.ipynb")
    link = colab_link(REPO, "main", "notebooks/first reply.ipynb")
    parts = urlsplit(link)
    assert parts.netloc == "colab.research.google.com"
    assert unquote(parts.path) == (
        "/github/acme/social-media-ski-school/blob/main/notebooks/first reply.ipynb"
    )


# --- the command ---------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["launch-link", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_prints_the_same_link(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--hub", HUB, "--repo", REPO, "--path", PAGE)
    assert code == 0, err
    assert out.strip() == nbgitpuller_link(HUB, REPO, "main", PAGE)
    assert err == ""
    code, out, _ = run_cli(capsys, "--binder", "--repo", REPO, "--app", "notebook")
    assert code == 0
    assert out.strip() == binder_link(REPO, app="notebook")


def write_course(folder: Path, config: str) -> Path:
    (folder / "course.yml").write_text("format: skischool-course\n", encoding="utf-8")
    (folder / "_config.yml").write_text(config, encoding="utf-8")
    (folder / "exercises").mkdir()
    (folder / "exercises" / "page.md").write_text("# A page\n", encoding="utf-8")
    return folder


def test_the_repository_comes_from_config_yml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = write_course(tmp_path, "repository:\n  url: https://github.com/acme/ski\n")
    code, out, err = run_cli(
        capsys, "--hub", HUB, "--root", str(course), "--path", "exercises/page.md"
    )
    assert code == 0, err
    assert query(out.strip())["repo"] == "https://github.com/acme/ski"
    assert err == ""
    # A page that is not in the course is still linked, with a note that it is missing.
    code, out, err = run_cli(capsys, "--hub", HUB, "--root", str(course), "--path", "nope.md")
    assert code == 0 and out.strip()
    assert "nope.md is not in" in err


def test_the_placeholder_repository_is_pointed_out(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--hub", HUB, "--root", str(ROOT), "--path", PAGE)
    assert code == 0
    assert "YOUR-ORG" in query(out.strip())["repo"]
    assert "placeholder" in err and "_config.yml" in err
    assert "is not in" not in err  # the page exists in this course


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("title: x\n", "repository.url"),
        ("repository:\n  url: ''\n", "repository.url"),
        ("repository: [1, 2\n", "not valid YAML"),
    ],
)
def test_a_config_without_a_repository_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, expected: str
) -> None:
    course = write_course(tmp_path, config)
    code, out, err = run_cli(capsys, "--hub", HUB, "--root", str(course))
    assert code == 1 and out == ""
    assert expected in err and "_config.yml" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_bad_hub_on_the_command_line_is_one_line_and_exit_1() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "skischool",
            "launch-link",
            "--hub",
            "hub.example.org",
            "--repo",
            REPO,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "https://" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


# --- the book's launch buttons and Binder environment --------------------------------------------


class _Config(SimpleNamespace):
    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


def theme_button_links(tmp_path: Path, page: str) -> dict[str, str]:
    """The launch links sphinx-book-theme puts in ``page``'s header, from the real _config.yml.

    Jupyter Book turns _config.yml into Sphinx settings (``yaml_to_sphinx``); the theme's own
    functions then fill the header as a build does, with only Sphinx's app stood in for.
    """
    from jupyter_book.config import yaml_to_sphinx
    from sphinx_book_theme.header_buttons import update_context_with_repository_info
    from sphinx_book_theme.header_buttons.launch import add_launch_buttons

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx, _overrides, _paths = yaml_to_sphinx(config)
    outdir = tmp_path / "_build" / "html"
    executed = tmp_path / "_build" / "jupyter_execute" / f"{page}.ipynb"
    executed.parent.mkdir(parents=True)
    executed.write_text("{}", encoding="utf-8")
    app = SimpleNamespace(
        builder=None,
        outdir=str(outdir),
        config=_Config(html_theme_options=sphinx["html_theme_options"], html_context={}),
        env=SimpleNamespace(
            doc2path=lambda name: str(ROOT / f"{name}.md"),
            metadata={page: {"kernelspec": {"name": "python3"}}},
        ),
    )
    update_context_with_repository_info(app)
    context = {
        **app.config.html_context,
        "pagename": page,
        "sourcename": f"{page}.md",
        "header_buttons": [],
    }
    add_launch_buttons(app, page, "page.html", context, None)
    (group,) = context["header_buttons"]
    return {b["text"]: b["url"] for b in group["buttons"]}


def test_the_books_buttons_agree_with_the_command(tmp_path: Path) -> None:
    page = PAGE.removesuffix(".md")
    buttons = theme_button_links(tmp_path, page)
    assert set(buttons) == {"Binder", "JupyterHub"}, "Colab stays off: it cannot open .md pages"
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]["url"]
    hub = config["launch_buttons"]["jupyterhub_url"]
    ours = nbgitpuller_link(hub, repo, config["repository"]["branch"], PAGE)
    assert urlsplit(buttons["JupyterHub"])[:3] == urlsplit(ours)[:3]
    assert query(buttons["JupyterHub"]) == query(ours)
    theirs_binder = binder_link(repo, config["repository"]["branch"], PAGE)
    assert urlsplit(buttons["Binder"])[:3] == urlsplit(theirs_binder)[:3]
    assert query(buttons["Binder"]) == query(theirs_binder)


def test_the_placeholders_are_clearly_named() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "YOUR-ORG" in config["repository"]["url"]
    assert "YOUR-ORG" in config["launch_buttons"]["jupyterhub_url"]
    assert config["launch_buttons"]["thebe"] is False  # thebe loads its code from a CDN
    if config["launch_buttons"].get("colab_url"):  # Colab opens only .ipynb files
        missing = [
            p for p in ROOT.glob("exercises/*/*.md") if not p.with_suffix(".ipynb").is_file()
        ]
        assert not missing, f"Colab is on, but these pages have no .ipynb beside them: {missing}"


def test_binder_installs_the_course_with_its_extras() -> None:
    lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    ]
    lines = [line for line in lines if line]
    local = [line for line in lines if line.startswith(".")]
    assert len(local) == 1, "the course itself must be installed, once"
    extras = set(local[0].removeprefix(".").strip("[]").split(","))
    installed = metadata("skischool")  # what pyproject.toml declares, as pip installed it
    assert extras == {"yaml", "widgets"} <= set(installed.get_all("Provides-Extra") or [])
    names = {line.split(">")[0].split("=")[0].split("<")[0].strip() for line in lines[1:]}
    assert {"jupytext", "nbgitpuller"} <= names
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    major, minor = (int(n) for n in runtime.removeprefix("python-").split("."))
    wanted = installed["Requires-Python"].removeprefix(">=").split(".")
    assert (major, minor) >= (int(wanted[0]), int(wanted[1]))


def test_postbuild_makes_md_pages_open_as_notebooks_and_keeps_other_settings(
    tmp_path: Path,
) -> None:
    script = ROOT / "binder" / "postBuild"
    assert os.access(script, os.X_OK), "repo2docker runs postBuild only if it is executable"
    settings = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    env = {**os.environ, "NB_PYTHON_PREFIX": str(tmp_path)}
    for _ in range(2):  # running it twice changes nothing more
        subprocess.run(
            [str(script)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60
        )
    viewers = json.loads(settings.read_text(encoding="utf-8"))[
        "@jupyterlab/docmanager-extension:plugin"
    ]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    settings.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "x"}}))
    subprocess.run([str(script)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    kept = json.loads(settings.read_text(encoding="utf-8"))
    assert kept["@jupyterlab/apputils-extension:themes"] == {"theme": "x"}
    assert "defaultViewers" in kept["@jupyterlab/docmanager-extension:plugin"]
