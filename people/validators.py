"""Validators for what people type about themselves: Chinese phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mobile number: 1[3-9] and nine more digits, optionally after +86 or 86.
MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
# A landline: the area code (0 and two or three digits, optionally in brackets), a seven or
# eight digit number and an optional extension after a hyphen, optionally after +86.
LANDLINE = re.compile(r"(?:\+?86-?)?(?:0\d{2,3}|\(0\d{2,3}\))-?\d{7,8}(?:-\d{1,6})?")
SPACES = re.compile(r"\s+")


def is_chinese_phone(value: str) -> bool:
    """A mainland mobile number (139 1234 5678) or a landline with its area code
    (010-12345678, (0571)88886666-123), spaces allowed between the groups."""
    compact = SPACES.sub("", value)
    return bool(MOBILE.fullmatch(compact.replace("-", "")) or LANDLINE.fullmatch(compact))


def validate_chinese_phone(value: str) -> None:
    if value and not is_chinese_phone(value):
        raise ValidationError(
            _(
                "Enter a mainland mobile number (e.g. 13912345678) or a landline with its area "
                "code (e.g. 010-12345678)."
            ),
            code="invalid_phone",
        )
