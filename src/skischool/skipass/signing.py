"""Signing a ski pass credential as a VC-JWT, where a signing library is installed.

Why optional: the engine runs in the learner's browser (Pyodide) and must stay pure Python, so
it never depends on a cryptography package. An organisation that issues passes installs
``cryptography`` and gives its own private key; then the credential is also written as a
Compact JWS, the "JSON Web Token proof" of Open Badges 3.0 (Verifiable Credentials 2.0):

* the JOSE header holds ``alg``, ``typ: "JWT"``, the public key as ``jwk`` (never ``d``) and,
  when given, ``kid``, the URL where the organisation publishes that key;
* the payload is the credential itself with the claims ``iss`` (issuer id), ``jti``
  (credential id), ``nbf`` (``validFrom``) and ``sub`` (``credentialSubject.id``).

RS256 (an RSA key) is the algorithm every OB 3.0 verifier must support; EdDSA (an Ed25519
key) is accepted too, and is smaller, but fewer verifiers check it.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

#: Environment variable holding the key file's passphrase, when the key is encrypted.
PASSWORD_VAR = "SKISCHOOL_KEY_PASSWORD"
MIN_RSA_BITS = 2048


class SigningError(Exception):
    """The key cannot be used, or a token does not verify; the message says which and why."""


def available() -> bool:
    """Whether the signing library (``cryptography``) is installed."""
    return importlib.util.find_spec("cryptography") is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_bytes(n: int) -> bytes:
    return n.to_bytes((n.bit_length() + 7) // 8 or 1, "big")


def load_key(path: Path) -> Any:
    """The private key in a PEM file: RSA (at least 2048 bits) or Ed25519."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    password = os.environ.get(PASSWORD_VAR)
    try:
        key = load_pem_private_key(data, password.encode() if password else None)
    except TypeError:
        raise SigningError(
            f"{path}: the key is encrypted; set {PASSWORD_VAR} to its passphrase"
        ) from None
    except ValueError as exc:
        raise SigningError(
            f"{path}: is not a PEM private key this tool can use ({exc}); expected an RSA "
            "or Ed25519 private key in PEM"
        ) from None
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise SigningError(
                f"{path}: an RSA key of {key.key_size} bits; expected at least {MIN_RSA_BITS}"
            )
        return key
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    raise SigningError(
        f"{path}: a {type(key).__name__}; expected an RSA (RS256) or Ed25519 (EdDSA) key"
    )


def public_jwk(key: Any) -> dict[str, str]:
    """The public half of ``key`` as a JWK (RFC 7517/8037); the private part never leaves."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {"kty": "RSA", "n": _b64(_int_bytes(numbers.n)), "e": _b64(_int_bytes(numbers.e))}
    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
    raise SigningError(f"unsupported key type {type(public).__name__}")


def _alg(key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return "RS256" if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)) else "EdDSA"


def claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT payload: the credential and the registered claims Open Badges 3.0 requires."""
    valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    return {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(valid_from.timestamp()),
        "sub": credential["credentialSubject"]["id"],
    }


def sign(credential: dict[str, Any], key: Any, *, key_id: str = "") -> str:
    """The credential as a Compact JWS signed with ``key`` (from :func:`load_key`)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    alg = _alg(key)
    header: dict[str, Any] = {"alg": alg, "typ": "JWT", "jwk": public_jwk(key)}
    if key_id:
        header["kid"] = key_id
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode("utf-8"))
        + "."
        + _b64(json.dumps(claims(credential), separators=(",", ":"), ensure_ascii=False).encode())
    ).encode("ascii")
    if alg == "RS256":
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = key.sign(signing_input)
    return signing_input.decode("ascii") + "." + _b64(signature)


def verify(token: str, public_key: Any = None) -> dict[str, Any]:
    """The payload of a Compact JWS made by :func:`sign`, once its signature checks out.

    ``public_key`` is the key to trust (a ``cryptography`` public key); without it the
    header's ``jwk`` is used, which proves only that the token is intact, not who signed it.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

    try:
        head, body, sig = token.strip().split(".")
        header = json.loads(_unb64(head))
        payload = json.loads(_unb64(body))
        signature = _unb64(sig)
    except ValueError as exc:
        raise SigningError(f"not a Compact JWS ({exc})") from None
    if public_key is None:
        jwk = header.get("jwk") or {}
        if jwk.get("kty") == "RSA":
            public_key = rsa.RSAPublicNumbers(
                int.from_bytes(_unb64(jwk["e"]), "big"), int.from_bytes(_unb64(jwk["n"]), "big")
            ).public_key()
        elif jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            public_key = ed25519.Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
        else:
            raise SigningError("the header carries no public key this tool can read")
    signing_input = f"{head}.{body}".encode("ascii")
    try:
        if header.get("alg") == "RS256" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif header.get("alg") == "EdDSA" and isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, signing_input)
        else:
            raise SigningError(f"algorithm {header.get('alg')!r} does not match the key")
    except InvalidSignature:
        raise SigningError("the signature does not verify") from None
    return payload


__all__ = ["PASSWORD_VAR", "SigningError", "available", "claims", "load_key", "sign", "verify"]
