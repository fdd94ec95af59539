"""Links that open a page of the course on a JupyterHub (through nbgitpuller) or on Binder.

The book's launch buttons know one hub, fixed when the book is built. An instructor needs a link
for *their* hub and *their* page, to paste into an email or a learning platform, so the formats
live here too, in one place, checked by tests that parse what they produce.

* nbgitpuller (https://nbgitpuller.readthedocs.io/en/latest/topic/url-options.html):
  ``<hub>/hub/user-redirect/git-pull?repo=…&branch=…&urlpath=lab/tree/<repo folder>/<path>``.
  The hub clones the repository into a folder named after the last part of its URL (or updates
  it, keeping the learner's changes), then sends the learner to ``urlpath``.
* Binder (https://mybinder.readthedocs.io/en/latest/howto/user_interface.html):
  ``<binderhub>/v2/gh/<org>/<repo>/<branch>?urlpath=lab/tree/<path>``; the repository *is* the
  home folder there, so the path has no repository folder in front.
* Colab opens only ``.ipynb`` files from GitHub; the course's pages are MyST markdown, so
  :func:`colab_link` refuses them and says why, rather than make a link that cannot work. The
  Colab notebooks of the exercise pages live in ``colab/`` (:mod:`skischool.colab`).

``urlpath`` is a URL path of the Jupyter server: each segment of the file path is
percent-encoded in it (as JupyterLab does), then the whole value is encoded again as a query
parameter. So a page called ``a?b #1.md`` opens that file rather than a truncated one.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

#: Where each interface opens a file or folder, below the Jupyter server's base URL.
APPS = {"lab": "lab/tree", "notebook": "tree"}
DEFAULT_BINDERHUB = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
#: The repository address in ``_config.yml`` until an organisation puts its own there.
PLACEHOLDER = "YOUR-ORG"
_SCHEMES = ("http", "https")


class LaunchError(ValueError):
    """An address or path that would make a link that cannot work; the message says which."""


def _web_address(value: str, what: str) -> str:
    """``value`` as an http(s) address with a host, without a trailing slash, or LaunchError."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise LaunchError(f"{what} {value!r} is not a valid address ({exc})") from None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise LaunchError(
            f"{what} {value!r} must be a web address starting with https:// (or http://)"
        )
    if parts.query or parts.fragment:
        raise LaunchError(f"{what} {value!r} must not have a ?query or #fragment")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise LaunchError(f"{what} {value!r} must not contain spaces or control characters")
    return text.rstrip("/")


def hub_address(hub: str) -> str:
    """The hub's base address (``https://hub.example.org`` or ``…/jupyter``), checked."""
    address = _web_address(hub, "the hub address")
    segments = [s for s in urlsplit(address).path.split("/") if s]
    if "hub" in segments or "user" in segments:
        raise LaunchError(
            f"the hub address {hub!r} looks like a page of the hub: give what comes before "
            "/hub/ or /user/, e.g. https://hub.example.org"
        )
    return address


def repository_address(repo: str) -> str:
    """A git repository's web address (``https://github.com/org/name``), checked."""
    address = _web_address(repo, "the repository address")
    if not [s for s in urlsplit(address).path.split("/") if s]:
        raise LaunchError(f"the repository address {repo!r} names a site, not a repository")
    return address


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: the last part of its address, as it is."""
    return repository_address(repo).split("/")[-1]


def page_path(path: str) -> str:
    """A file or folder of the repository as a clean relative POSIX path ("" for the root)."""
    if "\x00" in path:
        raise LaunchError("the path must not contain a NUL character")
    text = path.strip().replace("\\", "/")
    if text.startswith("/"):
        raise LaunchError(f"the path {path!r} must be relative to the repository, e.g. exercises/…")
    segments = [s for s in text.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise LaunchError(f"the path {path!r} must stay inside the repository (no '..')")
    return "/".join(segments)


def _check_branch(branch: str) -> str:
    name = branch.strip()
    if not name or any(ch.isspace() or ord(ch) < 32 for ch in name):
        raise LaunchError(f"the branch {branch!r} must be a branch name without spaces")
    return name


def _urlpath(app: str, *parts: str) -> str:
    """``lab/tree/<parts…>`` with every path segment percent-encoded."""
    if app not in APPS:
        raise LaunchError(f"the app {app!r} must be one of: {', '.join(APPS)}")
    segments = [seg for part in parts if part for seg in part.split("/")]
    return "/".join([APPS[app], *(quote(seg, safe="") for seg in segments)])


def nbgitpuller_link(
    hub: str, repo: str, branch: str = "main", path: str = "", app: str = "lab"
) -> str:
    """The link that makes ``hub`` pull ``repo`` (``branch``) and open ``path`` in ``app``."""
    base = hub_address(hub)
    repository = repository_address(repo)
    query = {
        "repo": repository,
        "branch": _check_branch(branch),
        "urlpath": _urlpath(app, repo_folder(repository), page_path(path)),
    }
    return f"{base}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote)}"


def _github(repo: str) -> tuple[str, str] | None:
    """(org, name) for a github.com repository, else None."""
    parts = urlsplit(repository_address(repo))
    segments = [s for s in parts.path.split("/") if s]
    if (parts.hostname or "").lower() != "github.com" or len(segments) != 2:
        return None
    org, name = segments
    return org, name.removesuffix(".git")


def binder_link(
    repo: str,
    branch: str = "main",
    path: str = "",
    app: str = "lab",
    binderhub: str = DEFAULT_BINDERHUB,
) -> str:
    """A link that builds ``repo`` on a BinderHub (mybinder.org by default) and opens ``path``."""
    base = hub_address(binderhub)
    ref = quote(_check_branch(branch), safe="")
    github = _github(repo)
    if github:
        where = f"v2/gh/{quote(github[0], safe='')}/{quote(github[1], safe='')}/{ref}"
    else:
        where = f"v2/git/{quote(repository_address(repo), safe='')}/{ref}"
    query = urlencode({"urlpath": _urlpath(app, page_path(path))}, quote_via=quote)
    return f"{base}/{where}?{query}"


def colab_link(repo: str, branch: str = "main", path: str = "") -> str:
    """A Colab link for an ``.ipynb`` file on GitHub; anything else is refused, with the reason."""
    github = _github(repo)
    if github is None:
        raise LaunchError(f"Colab opens notebooks from GitHub only, and {repo!r} is not there")
    clean = page_path(path)
    if not clean.endswith(".ipynb"):
        raise LaunchError(
            f"Colab opens only .ipynb notebooks, and {path!r} is not one: the course's pages "
            "are MyST markdown (.md); use a JupyterHub or Binder link, which open them"
        )
    segments = "/".join(quote(s, safe="") for s in clean.split("/"))
    org, name = (quote(s, safe="") for s in github)
    return f"{COLAB}/github/{org}/{name}/blob/{quote(_check_branch(branch), safe='')}/{segments}"


__all__ = [
    "APPS",
    "DEFAULT_BINDERHUB",
    "PLACEHOLDER",
    "LaunchError",
    "binder_link",
    "colab_link",
    "hub_address",
    "nbgitpuller_link",
    "page_path",
    "repo_folder",
    "repository_address",
]
