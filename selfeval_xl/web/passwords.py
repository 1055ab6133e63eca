"""Secrets at rest: salted scrypt hashes of the admin password, access codes and bureau tokens,
and the generators of new codes and tokens. Plain secrets are never stored.

The hash string is self-describing (`scrypt$n$r$p$salt$hash`, base64), so the cost can be
raised later without breaking stored hashes. Comparison is constant-time (hmac.compare_digest).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
DKLEN = 32
MAXMEM = 64 * 1024 * 1024
# Access codes: no 0/O, 1/I/L, so a clerk can read one off paper; 12 characters ≈ 60 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(secret: str) -> str:
    """A salted scrypt hash of `secret`, as one string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=MAXMEM, dklen=DKLEN)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """Whether `secret` hashes to `stored` (False for a malformed or missing hash)."""
    if not stored:
        _burn(secret)  # the same work whether or not the account exists
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        want = _unb64(digest)
        got = hashlib.scrypt(secret.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=MAXMEM, dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def _burn(secret: str) -> None:
    hashlib.scrypt(secret.encode("utf-8"), salt=b"\0" * 16, n=N, r=R, p=P, maxmem=MAXMEM, dklen=DKLEN)


def new_code() -> str:
    """A department's access code, e.g. `7KQM-R3XA-PW9D`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(text: str) -> str:
    """What a clerk types, made comparable: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def new_token() -> str:
    """A bureau API token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def new_password() -> str:
    """An admin password for a first start without one (readable, ≈ 80 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))
