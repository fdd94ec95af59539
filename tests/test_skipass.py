"""The ski pass (skischool.skipass and ``skischool ski-pass``): earned only by passing every
level's checkpoint, dated by the last one; drawn as a safe, accessible SVG; written as an Open
Badges 3.0 credential whose criteria are the course's checkpoints; signed where it can be."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from skischool.cli import main
from skischool.course import Course
from skischool.progress import Attempt, ProgressStore
from skischool.skipass import signing, text
from skischool.skipass.badge import CONTEXT, Issuer, credential
from skischool.skipass.svg import WIDTH, ski_pass_svg
from skischool.standing import standing

from .conftest import ROOT
from .test_course_model import make_course

SVG = "{http://www.w3.org/2000/svg}"


def passing(course: Course, *, skip: int | None = None) -> list[Attempt]:
    """A passing attempt at every checkpoint exercise (one day apart), except number ``skip``."""
    out = []
    for i, ex in enumerate(course.checkpoints()):
        if i == skip:
            continue
        out.append(
            Attempt(
                exercise=ex.rubric_id, page=ex.page, score=80 + i % 20, passed=True,
                criteria_met=2, criteria_total=2, kind=ex.kind, answer="a",
                time=f"2025-03-{i + 1:02d}T08:15:00Z",
            )
        )  # fmt: skip
    return out


def tiny(tmp_path: Path) -> Course:
    """The tiny two-level course of test_course_model, in its own folder."""
    (tmp_path / "c").mkdir()
    return Course.load(make_course(tmp_path / "c"))


def record(path: Path, attempts: list[Attempt]) -> Path:
    with ProgressStore(path) as store:
        for a in attempts:
            store.record(a)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def real_course() -> Course:
    return Course.load(ROOT)


# --- earning it ---------------------------------------------------------------------------------


def test_every_checkpoint_passed_earns_the_pass_dated_by_the_last_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_course: Course
) -> None:
    attempts = passing(real_course)
    store = record(tmp_path / "p.sqlite3", attempts)
    out = tmp_path / "pass"
    status, said, _ = run(
        capsys, "ski-pass", "--name", "Ana Lima", "--store", str(store), "--out", str(out),
        "--root", str(ROOT),
    )  # fmt: skip
    assert status == 0, said
    last = max(a.time for a in attempts)  # the 15th checkpoint exercise, 15 March
    cred = json.loads((out / "ski-pass.json").read_text(encoding="utf-8"))
    assert cred["validFrom"] == last[:19] + "Z" == "2025-03-15T08:15:00Z"
    svg = (out / "ski-pass.svg").read_text(encoding="utf-8")
    assert "Earned 15 March 2025" in svg and "Ana Lima" in svg
    assert "15 March 2025" in said and "unsigned" in said
    assert not (out / "ski-pass.jwt").exists()


def test_one_missing_checkpoint_earns_nothing_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_course: Course
) -> None:
    missing = real_course.checkpoints()[7]  # Level 3's second checkpoint question
    attempts = passing(real_course, skip=7)
    attempts.append(
        Attempt(
            exercise=missing.rubric_id, page=missing.page, score=40, passed=False,
            criteria_met=1, criteria_total=3, kind=missing.kind, answer="not yet",
        )
    )  # fmt: skip
    store = record(tmp_path / "p.sqlite3", attempts)
    out = tmp_path / "pass"
    status, said, _ = run(
        capsys, "ski-pass", "--name", "Ana", "--store", str(store), "--out", str(out),
        "--root", str(ROOT),
    )  # fmt: skip
    assert status == 1
    assert "4 of 5 level checkpoints passed" in said
    level = real_course.level(missing.level)
    assert f"{level.label}: " in said and f"exercises/{missing.page}.md" in said
    assert f"- {missing.title} (tried once, best 40 so far)" in said
    # Only the one missing exercise is listed: no other checkpoint question is named.
    others = [ex.title for ex in real_course.checkpoints() if ex.key != missing.key]
    assert not [t for t in others if f"- {t} (" in said]
    assert not out.exists()
    assert not standing(real_course, attempts).ski_pass  # the one place that decides agrees


def test_a_level_without_any_attempt_is_listed_as_not_started(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = tiny(tmp_path)
    store = record(tmp_path / "p.sqlite3", passing(course)[:2])  # level 1 only
    status, said, _ = run(
        capsys, "ski-pass", "--name", "Ana", "--store", str(store), "--root", str(course.root)
    )
    assert status == 1
    assert "1 of 2 level checkpoints passed" in said
    assert "- Pick one (not started yet)" in said and "- Say sorry (not started yet)" in said
    assert "Level 1" not in said.split("Still to pass:")[1]


# --- the card -----------------------------------------------------------------------------------


def earned(tmp_path: Path) -> object:
    course = Course.load(make_course(tmp_path))
    return standing(course, passing(course))


def visible_text(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert('x')</script> & \"friends\"",
        "Ana 👩🏽‍💻 🇳🇴",
        "محمد بن عبد الله",
        "x" * 500,
        " ".join(["Bartholomew"] * 45),
        "王小明" * 60,
        "bad\x1b[31m\u202econtrol\x00",
        "ab " * 350_000,  # about 1 MB
    ],
    ids=["html", "emoji", "rtl", "500-chars", "45-words", "cjk", "controls", "1MB"],
)
def test_the_card_parses_as_xml_and_shows_the_name_escaped(tmp_path: Path, name: str) -> None:
    svg = ski_pass_svg(earned(tmp_path), name)
    root = ET.fromstring(svg)  # well-formed XML whatever the name
    assert [el for el in root.iter() if el.tag in (f"{SVG}script", "script")] == []
    assert "<script" not in svg
    clean = text.clean_name(name)
    title = root.find(f"{SVG}title")
    assert title is not None and clean in (title.text or "")
    shown = visible_text(svg)
    start = shown.index("Awarded to") + 1
    end = next(i for i, t in enumerate(shown) if t.startswith("Earned "))
    name_lines = shown[start:end]
    assert 1 <= len(name_lines) <= 2
    joined = "".join(name_lines).replace(" ", "")
    if joined.endswith(text.ELLIPSIS):  # shortened: what is shown is how the name starts
        assert clean.replace(" ", "").startswith(joined[:-1]) and len(joined) < len(clean)
    else:
        assert joined == clean.replace(" ", "")
    for line in name_lines:  # every line fits the card by the (conservative) estimate
        assert text.width(line, 27) <= WIDTH - 64
    if "\u202e" in name or "\x1b" in name:
        assert "\u202e" not in svg and "\x1b" not in svg and "\x00" not in svg


def test_rtl_names_are_marked_and_emoji_sequences_never_split(tmp_path: Path) -> None:
    svg = ski_pass_svg(earned(tmp_path), "محمد بن عبد الله")
    assert re.search(r'direction="rtl"[^>]*>محمد بن عبد الله</text>', svg)
    family = "👩🏽‍💻"
    lines = text.wrap(family * 80, 27, 576)
    assert lines[-1].endswith(text.ELLIPSIS)
    for line in lines:
        body = line.removesuffix(text.ELLIPSIS)
        assert body == family * (len(body) // len(family))  # whole sequences only
    flags = text.shorten("🇳🇴" * 100, 20, 100)
    assert (len(flags) - 1) % 2 == 0  # regional indicators stay in pairs


def test_the_card_is_accessible_self_contained_and_deterministic(tmp_path: Path) -> None:
    s = earned(tmp_path)
    svg = ski_pass_svg(s, "Ana")
    assert svg == ski_pass_svg(s, "Ana")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    ids = (root.get("aria-labelledby") or "").split()
    assert [root.find(f".//*[@id='{i}']").tag for i in ids] == [f"{SVG}title", f"{SVG}desc"]  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "Level 1 · First Run, Level 2 · Second Run" in (desc.text or "")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<image" not in svg and "url(" not in svg and "@import" not in svg
    assert visible_text(svg).count("Level 2") == 1  # both levels drawn, each once


def test_no_card_or_credential_before_the_pass_is_earned(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    s = standing(course, passing(course)[:-1])
    with pytest.raises(ValueError, match="not earned"):
        ski_pass_svg(s, "Ana")
    with pytest.raises(ValueError, match="not earned"):
        credential(s, "Ana", "<svg/>")


# --- the credential -----------------------------------------------------------------------------


def test_the_credential_has_the_open_badges_3_fields_and_every_checkpoint(
    real_course: Course,
) -> None:
    s = standing(real_course, passing(real_course))
    svg = ski_pass_svg(s, "Ana")
    cred = credential(s, "Ana", svg)
    assert cred["@context"] == list(CONTEXT)
    assert cred["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["id"].startswith("urn:uuid:") and cred["name"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cred["validFrom"])
    issuer = cred["issuer"]
    assert issuer["type"] == ["Profile"] and "self-issued" in issuer["name"]
    subject = cred["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "Ana",
            "identityType": "ext:name",
        }
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["id"].startswith("urn:uuid:")
    assert achievement["name"] and achievement["description"]
    narrative = achievement["criteria"]["narrative"]
    for level in real_course.levels:
        assert f"- {level.label} checkpoint:" in narrative
    for ex in real_course.checkpoints():
        assert f"  - {ex.title}\n" in narrative + "\n"
    assert narrative.count("\n  - ") == len(real_course.checkpoints())
    image = achievement["image"]
    prefix = "data:image/svg+xml;base64,"
    assert image["type"] == "Image" and image["id"].startswith(prefix)
    assert base64.b64decode(image["id"][len(prefix) :]).decode("utf-8") == svg
    assert credential(s, "Ana", svg) == cred  # deterministic, ids included
    named = credential(s, "Ana", svg, Issuer("Ski Club", url="https://club.example"))
    assert named["issuer"] == {
        "id": "https://club.example",
        "type": ["Profile"],
        "name": "Ski Club",
        "url": "https://club.example",
    }
    assert named["id"] != cred["id"]


# --- signing ------------------------------------------------------------------------------------


def _key_file(tmp_path: Path, kind: str) -> tuple[Path, object]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    key = (
        ed25519.Ed25519PrivateKey.generate()
        if kind == "ed25519"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    path = tmp_path / f"{kind}.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path, key


@pytest.mark.parametrize(("kind", "alg"), [("ed25519", "EdDSA"), ("rsa", "RS256")])
def test_a_signed_pass_verifies_with_the_organisations_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, alg: str
) -> None:
    course = tiny(tmp_path)
    store = record(tmp_path / "p.sqlite3", passing(course))
    key_path, key = _key_file(tmp_path, kind)
    out = tmp_path / "pass"
    status, said, _ = run(
        capsys, "ski-pass", "--name", "Ana", "--store", str(store), "--out", str(out),
        "--root", str(course.root), "--key", str(key_path), "--issuer-name", "Ski Club",
        "--issuer-url", "https://club.example", "--key-id", "https://club.example/keys/1",
    )  # fmt: skip
    assert status == 0, said
    token = (out / "ski-pass.jwt").read_text(encoding="ascii").strip()
    payload = signing.verify(token, key.public_key())  # type: ignore[attr-defined]
    cred = json.loads((out / "ski-pass.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub")} == cred
    assert payload["iss"] == cred["issuer"]["id"] == "https://club.example"
    assert payload["jti"] == cred["id"] and payload["sub"] == cred["credentialSubject"]["id"]
    assert payload["nbf"] == 1741076100  # 2025-03-04T08:15:00Z, the tiny course's last checkpoint
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == alg and header["typ"] == "JWT"
    assert header["kid"] == "https://club.example/keys/1" and "d" not in header["jwk"]
    head, body, sig = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=="))
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    body2 = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(signing.SigningError, match="does not verify"):
        signing.verify(f"{head}.{body2}.{sig}", key.public_key())  # type: ignore[attr-defined]
    (tmp_path / "o").mkdir()
    other, _ = _key_file(tmp_path / "o", kind)
    with pytest.raises(signing.SigningError):
        signing.verify(token, signing.load_key(other).public_key())


def test_without_the_library_a_key_is_refused_and_unsigned_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    course = tiny(tmp_path)
    store = record(tmp_path / "p.sqlite3", passing(course))
    monkeypatch.setattr(signing, "available", lambda: False)
    base = ["ski-pass", "--name", "Ana", "--store", str(store), "--root", str(course.root)]
    status, _, err = run(
        capsys, *base, "--out", str(tmp_path / "a"), "--key", "k.pem", "--issuer-name", "Club"
    )
    assert status == 1 and "'cryptography'" in err and "not installed" in err
    assert not (tmp_path / "a").exists()
    status, said, _ = run(capsys, *base, "--out", str(tmp_path / "b"))
    assert status == 0 and "is unsigned" in said and "not installed" in said
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["ski-pass.json", "ski-pass.svg"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--key", "k.pem"], "--key signs for an organisation"),
        (["--issuer-url", "javascript:alert(1)", "--issuer-name", "X"], "expected a web address"),
        (["--issuer-url", "https://x.example"], "need --issuer-name too"),
        (["--name", " \x1b "], "--name is empty"),
    ],
)
def test_mistakes_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], expected: str
) -> None:
    course = tiny(tmp_path)
    store = record(tmp_path / "p.sqlite3", passing(course))
    status, _, err = run(
        capsys, "ski-pass", "--name", "Ana", "--store", str(store), "--root", str(course.root),
        "--out", str(tmp_path / "out"), *extra,
    )  # fmt: skip
    assert status == 1 and expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_key_that_is_not_a_key_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    with pytest.raises(signing.SigningError, match=r"bad\.pem: is not a PEM private key"):
        signing.load_key(bad)
