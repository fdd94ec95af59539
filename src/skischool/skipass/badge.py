"""The ski pass as an Open Badges 3.0 achievement credential (an ``OpenBadgeCredential``).

Why Open Badges 3.0: it is the open standard badge wallets, learning records and job sites
read, and it is a W3C Verifiable Credential (Data Model 2.0), so an organisation that signs it
with its own key gives the learner something anyone can check.

Field names follow the 1EdTech Open Badges 3.0 specification (``OpenBadgeCredential``,
``AchievementSubject``, ``Achievement``, ``criteria.narrative``, ``IdentityObject``). The
``@context`` entries are identifiers inside the JSON; nothing is fetched, now or later.

What it says is taken from the course model and the learner's standing, never restated: the
criteria list every level's checkpoint exercises from ``course.yml`` and the pages, and the
date is the moment the last checkpoint was passed (:attr:`Standing.ski_pass_on`).

Unsigned, the credential is a well-formed claim anyone could have typed; who vouches for it is
the ``issuer``. Without an organisation's profile it is labelled self-issued, plainly.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..standing import Standing
from ..standing_view import exercise_name
from . import text
from .svg import day

#: The W3C Verifiable Credentials Data Model 2.0 context, then the Open Badges 3.0 one.
CONTEXT = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
TYPE = ("VerifiableCredential", "OpenBadgeCredential")
#: The 1EdTech JSON Schema an OB 3.0 validator checks the credential against.
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
# Namespace of the ids derived here: the same pass always gets the same ids.
_NAMESPACE = uuid.UUID("0b7c3d5e-4f0a-4e39-9d8a-5a1f2c6e7b90")


@dataclass(frozen=True)
class Issuer:
    """Who awards the pass: an organisation's profile, or the clearly labelled default."""

    name: str
    url: str = ""
    id: str = ""  # a URI: the organisation's profile URL or DID; derived when empty
    self_issued: bool = False

    @classmethod
    def default(cls, course_title: str) -> Issuer:
        return cls(
            name=f"{course_title} (self-issued, not verified by any organisation)",
            self_issued=True,
        )

    def profile(self) -> dict[str, Any]:
        """The ``issuer`` object: an OB 3.0 ``Profile``."""
        ident = self.id or self.url or _urn("issuer", self.name)
        out: dict[str, Any] = {"id": ident, "type": ["Profile"], "name": self.name}
        if self.url:
            out["url"] = self.url
        if self.self_issued:
            out["description"] = (
                "Made by the learner with the course's own tool from their saved progress. "
                "No organisation has checked or signed it."
            )
        return out


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, chr(10).join(parts))}"


def timestamp(moment: str) -> str:
    """An attempt's time as the ``DateTimeZ`` the credential uses: ``2024-05-04T10:00:00Z``."""
    when = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def criteria_narrative(standing: Standing) -> str:
    """The real criteria, in Markdown: every level's checkpoint and its exercises, in order."""
    course = standing.course
    lines = [
        f"Pass the checkpoint at the end of every level of {course.title} "
        f"(release {course.release}). Each checkpoint exercise is checked against its rubric; "
        "it is passed when an attempt meets the rubric's pass mark.",
        "",
    ]
    for level in standing.levels:
        lines.append(f"- {level.level.label} checkpoint:")
        lines += [f"  - {exercise_name(e.exercise)}" for e in level.checkpoint]
    return "\n".join(lines)


def credential(standing: Standing, name: str, svg: str, issuer: Issuer | None = None) -> dict:
    """The ``OpenBadgeCredential`` for a learner who has earned the pass (else ``ValueError``).

    ``svg`` is the card (:func:`skischool.skipass.svg.ski_pass_svg`), embedded as the
    achievement's image. The same input gives the same credential, ids included.
    """
    if not standing.ski_pass:
        raise ValueError("the ski pass is not earned yet: every level's checkpoint must be passed")
    course = standing.course
    who = text.clean_name(name)
    if not who:
        raise ValueError("the learner's name is empty")
    issuer = issuer or Issuer.default(course.title)
    earned = timestamp(standing.ski_pass_on)
    title = f"{course.title} ski pass"
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    profile = issuer.profile()
    achievement = {
        "id": _urn("achievement", course.id, "ski-pass"),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": title,
        "description": (
            f"Awarded for passing the checkpoint of every level of {course.title}: "
            + ", ".join(lv.level.label for lv in standing.levels)
            + "."
        ),
        "criteria": {"narrative": criteria_narrative(standing)},
        "image": {"id": image, "type": "Image", "caption": f"The {title} card"},
        "inLanguage": "en",
        "version": course.release,
    }
    evidence = [
        {
            "type": ["Evidence"],
            "name": f"{level.level.label} checkpoint",
            "narrative": (
                f"All {len(level.checkpoint)} checkpoint exercises passed; "
                f"completed {day(level.done_on)}."
            ),
        }
        for level in standing.levels
    ]
    return {
        "@context": list(CONTEXT),
        "id": _urn("credential", course.id, course.release, who, earned, profile["id"]),
        "type": list(TYPE),
        "name": title,
        "description": f"{who} passed the checkpoint of every level of {course.title}.",
        "issuer": profile,
        "validFrom": earned,
        "awardedDate": earned,
        "credentialSubject": {
            "id": _urn("learner", course.id, who),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": False,
                    "identityHash": who,
                    "identityType": "ext:name",
                }
            ],
            "achievement": achievement,
        },
        "evidence": evidence,
        "credentialSchema": [SCHEMA],
    }


__all__ = [
    "CONTEXT",
    "TYPE",
    "Issuer",
    "credential",
    "criteria_narrative",
    "timestamp",
]
