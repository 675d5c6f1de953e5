"""One-time activation codes: how a new account signs in the first time, to choose a password.

Bulk onboarding used to give each new official a random password, and hashing a password
(PBKDF2, about a million rounds, by design slow) cost a quarter of a second per row: twenty
minutes for 5,000 officials. An activation code instead is 60 random bits, stored as a keyed
SHA-256 (HMAC with the site's secret): fast to store because it is random, not chosen by a
person, so no slow hash is needed against guessing; it works only until it expires or the
person has chosen a password, and wrong guesses count towards the lockout like passwords.
"""

import hashlib
import hmac
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

# 32 symbols without 0/O and 1/I, which are misread on paper: 5 bits each, 12 symbols = 60 bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4


def activation_code_new() -> str:
    """A fresh random code (for one account at a time)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def activation_code_derive(*, key: bytes, employee_id: str) -> str:
    """The code an import job gives an account: derived from the job's random key, so a job
    re-run after a crash gives every account the same code and its sheet can be printed again
    while the key is kept (it is discarded once HR has the sheet)."""
    digest = hmac.new(key, employee_id.casefold().encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    return "".join(ALPHABET[(number >> (5 * index)) & 31] for index in range(LENGTH))


def activation_code_display(code: str) -> str:
    """ABCD-EFGH-JKLM: groups of four, as printed on the sheet."""
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def activation_code_normalise(text: str) -> str:
    """What a person typed, as the code: upper case, without spaces or hyphens."""
    return "".join(text.split()).replace("-", "").upper()


def activation_code_hash(*, employee_id: str, code: str) -> str:
    """The stored form of an account's code: keyed with SECRET_KEY and bound to the account."""
    value = f"{employee_id.casefold()}:{activation_code_normalise(code)}"
    return salted_hmac("people.activation", value, algorithm="sha256").hexdigest()


def activation_code_matches(*, employee_id: str, code: str, stored: str) -> bool:
    return bool(stored) and constant_time_compare(
        activation_code_hash(employee_id=employee_id, code=code), stored
    )
