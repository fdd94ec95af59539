"""Model replies kept out of plain sight in the learner edition's rubric files.

The browser downloads every compiled rubric (``live/rubrics/…json`` for the book pages and
``live/files/…json`` for the notebooks). In the learner edition those files must not hold a
model reply, or the rubric's pass/fail examples, as readable text: a learner should meet the
model reply once it is earned (``skischool.reveal``), not in a file listing or a search of the site. So the live build
(``scripts/build_live.py``) drops the examples, which the worker never needs, and seals the
model reply: XOR with a SHA-256 keystream from a key made afresh for every live build, with an
HMAC tag so that a wrong key fails cleanly instead of printing noise. The key travels only
inside the engine's wheel (``skischool/live/_seal_key.py``), which the worker unpacks; the
worker unseals a reply only when it is earned: after a pass, or after 3 attempts outside a
checkpoint (``Session.model``, ``skischool.reveal``).

This is not secrecy. Everything is checked in the learner's own browser, so a determined
learner with the developer tools can recover the key and the reply. The point is the same as
jupyterquiz's encoded answers: nothing is in the page source, the notebooks, the search index
or a plain file. Pure Python (hashlib, hmac, base64), so it runs in Pyodide too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
from pathlib import Path
from typing import Any

__all__ = [
    "KEY_BYTES",
    "PREFIX",
    "SealError",
    "for_learners",
    "installed_key",
    "is_sealed",
    "key_module",
    "new_key",
    "open_compiled",
    "seal",
    "unseal",
]

#: What a sealed value starts with: versioned, so a later scheme can sit beside this one.
PREFIX = "skischool-sealed:1:"
KEY_BYTES = 32
#: Where the live build writes the key, inside the wheel's copy of the engine only.
KEY_MODULE = "skischool.live._seal_key"
_NONCE = 16
_TAG = 16


class SealError(ValueError):
    """A sealed value that cannot be opened: another build's key, or a damaged value."""


def new_key() -> bytes:
    """A fresh random key: one per live build."""
    import secrets

    return secrets.token_bytes(KEY_BYTES)


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise SealError(f"a seal key is {KEY_BYTES} bytes")


def _xor(data: bytes, key: bytes, nonce: bytes) -> bytes:
    """``data`` XOR the keystream SHA-256(key, nonce, counter), block after block."""
    blocks = b"".join(
        hashlib.sha256(key + nonce + counter.to_bytes(8, "big")).digest()
        for counter in range(-(-len(data) // 32))
    )
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(blocks[: len(data)], "big")
    return mixed.to_bytes(len(data), "big")


def _tag(key: bytes, nonce: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"tag" + nonce + body, hashlib.sha256).digest()[:_TAG]


def seal(text: str, key: bytes) -> str:
    """``text`` as a printable sealed value. The same text and key always seal alike, so a
    rebuild with the same key changes no file."""
    _check_key(key)
    plain = text.encode("utf-8")
    nonce = hmac.new(key, b"nonce" + plain, hashlib.sha256).digest()[:_NONCE]
    body = _xor(plain, key, nonce)
    packed = nonce + _tag(key, nonce, body) + body
    return PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def unseal(value: str, key: bytes) -> str:
    """The text inside a sealed value; :class:`SealError` says why it cannot be opened."""
    _check_key(key)
    if not is_sealed(value):
        raise SealError("not a sealed value")
    data = value[len(PREFIX) :]
    try:
        packed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (ValueError, TypeError):
        raise SealError("the sealed value is damaged (not base64)") from None
    if len(packed) < _NONCE + _TAG:
        raise SealError("the sealed value is damaged (too short)")
    nonce, tag, body = packed[:_NONCE], packed[_NONCE : _NONCE + _TAG], packed[_NONCE + _TAG :]
    if not hmac.compare_digest(tag, _tag(key, nonce, body)):
        raise SealError("the sealed value was made with another key, or is damaged")
    plain = _xor(body, key, nonce)
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:  # pragma: no cover - the tag makes this all but impossible
        raise SealError("the sealed value is damaged (not UTF-8)") from None


def key_module(key: bytes) -> str:
    """The source of ``_seal_key.py``, which the live build puts in the wheel's engine."""
    _check_key(key)
    return (
        '"""Written by scripts/build_live.py for one live build; never committed."""\n\n'
        f'KEY = "{key.hex()}"\n'
    )


def installed_key() -> bytes | None:
    """The key of the live build this engine came from, or None outside one (a checkout)."""
    try:
        module = importlib.import_module(KEY_MODULE)
    except ImportError:
        return None
    try:
        key = bytes.fromhex(str(getattr(module, "KEY", "")))
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def for_learners(compiled: str, key: bytes) -> str:
    """A compiled rubric (``source.to_compiled_json``) as the learner edition ships it: an empty
    list of examples, the model reply sealed. Everything else, and the layout, is unchanged."""
    doc: Any = json.loads(compiled)
    rubric = doc.get("rubric") if isinstance(doc, dict) else None
    if not isinstance(rubric, dict):
        raise SealError("not a compiled rubric (no 'rubric' object)")
    rubric["examples"] = []  # the key is required; the worker builds with require_examples=False
    # A reply rubric's model reply, and each turn's of a conversation.
    turns = rubric.get("turns") if isinstance(rubric.get("turns"), list) else []
    for holder in [rubric, *(t for t in turns if isinstance(t, dict))]:
        reply = holder.get("model_reply")
        if isinstance(reply, str) and reply and not is_sealed(reply):
            holder["model_reply"] = seal(reply, key)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def _model_holders(rubric: Any) -> list[Any]:
    """What carries a model reply: a reply rubric itself, or each turn of a conversation."""
    from ..conversation import ConversationRubric
    from ..model import ReplyRubric

    if isinstance(rubric, ReplyRubric):
        return [rubric]
    if isinstance(rubric, ConversationRubric):
        return list(rubric.turns)
    return []


def has_sealed_models(rubric: Any) -> bool:
    return any(is_sealed(h.model_reply) for h in _model_holders(rubric))


def _opener(key: bytes | None) -> Any:
    """Opens one model text: plain text as it is, sealed text with the key, "" when it can't."""
    cache: list[bytes | None] = [key]

    def open_one(text: str) -> str:
        if not is_sealed(text):
            return text
        if cache[0] is None:
            cache[0] = installed_key()
        try:
            return unseal(text, cache[0]) if cache[0] else ""
        except SealError:
            return ""

    return open_one


def unseal_models(rubric: Any, key: bytes | None = None) -> bool:
    """Open a loaded rubric's sealed model replies in place (a reply rubric's, or each turn's
    of a conversation). Returns False when one could not be opened (another build's key):
    those become empty, so the exercise still works without its model."""
    open_one = _opener(key)
    ok = True
    for h in _model_holders(rubric):
        sealed = is_sealed(h.model_reply)
        h.model_reply = open_one(h.model_reply)
        ok = ok and (bool(h.model_reply) or not sealed)
    return ok


def opened_model(rubric: Any, key: bytes | None = None) -> str | None:
    """The rubric's model text with its sealed parts opened, leaving the rubric sealed (the
    worker opens it afresh each time it hands it over). None when a part cannot be opened."""
    from dataclasses import replace

    from ..conversation import ConversationRubric

    open_one = _opener(key)
    if isinstance(rubric, ConversationRubric):
        turns = [replace(t, model_reply=open_one(t.model_reply)) for t in rubric.turns]
        if any(
            not t.model_reply for t, old in zip(turns, rubric.turns, strict=True) if old.model_reply
        ):
            return None
        return replace(rubric, turns=turns).model_reply
    text = str(getattr(rubric, "model_reply", ""))
    opened = open_one(text)
    return opened if opened or not text else None


def open_compiled(path: str | Path, key: bytes | None = None) -> Any:
    """Load a compiled rubric file as the notebooks do: examples not required (the learner
    edition drops them), the model reply unsealed with the build's key. A reply that cannot be
    opened becomes no model reply, so the exercise still works."""
    from ..loader import build
    from ..source import load_json

    path = Path(path)
    rubric = build(load_json(path.read_text(encoding="utf-8"), str(path)), require_examples=False)
    unseal_models(rubric, key)
    return rubric
