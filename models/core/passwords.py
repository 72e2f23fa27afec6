"""Slow salted password hashes with the standard library's scrypt."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# n=2**14, r=8 costs ~16 MiB and some tens of milliseconds: slow for a guesser, fine at sign-in.
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${enc(salt).decode()}${enc(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt = base64.b64decode(salt_b64)
    expected = base64.b64decode(digest_b64)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(digest, expected)


# The hash of a random password nobody has (and that was thrown away): checked against for an
# unknown user name, so that the answer takes as long as for a known one.
_DUMMY_HASH = (
    "scrypt$16384$8$1$7p7SgBdneDYUFquOwfG5Jw==$IrkvUgfPIIixpmBskOY1E2eMpCuPtz9V/1vjNnX2CPs="
)


def dummy_verify(password: str) -> None:
    """Spend the time verify_password() spends, for a user name that does not exist."""
    verify_password(password, _DUMMY_HASH)
