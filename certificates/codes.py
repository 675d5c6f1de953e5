"""Serial numbers people can read and verification codes nobody can guess."""

import re
import secrets

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped is hard to get wrong.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 26  # 26 symbols x 5 bits = 130 bits of randomness (at least 128 required)
GROUP = 4
CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
NOT_CODE = re.compile(r"[\s\-_.]")


def verification_code_new() -> str:
    """A fresh code from the operating system's cryptographic generator."""
    number = secrets.randbits(CODE_LENGTH * 5)
    symbols = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, 32)
        symbols.append(ALPHABET[index])
    return "".join(symbols)


def verification_code_display(code: str) -> str:
    """ABCD-EFGH-...: groups of four, as printed on the certificate."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def verification_code_normalise(typed: str) -> str:
    """What a person typed, made comparable: any case, dashes or spaces, I/L/O for 1/0."""
    return NOT_CODE.sub("", typed or "").upper().translate(CONFUSABLE)[:64]


def serial_format(*, year: int, unit_code: str, number: int) -> str:
    return f"{year}-{unit_code}-{number:06d}"
