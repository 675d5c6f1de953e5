"""Validators for what people type about themselves: Chinese phone numbers, passwords."""

import re

from django.apps import apps
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


class CharacterClassesValidator:
    """A password mixes at least `min_classes` of the four kinds of character MLPS level 3
    (GB/T 22239-2019) asks for: capitals, small letters, digits, and others (symbols, spaces,
    Chinese characters). One of Django's password validators, beside its length, similarity
    and common-password checks."""

    CLASSES = (str.isupper, str.islower, str.isdigit)

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = [any(test(char) for char in password) for test in self.CLASSES]
        found.append(any(not (char.isupper() or char.islower() or char.isdigit()) for char in password))
        if sum(found) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(count)d of: capital letters, small letters, digits "
            "and other characters."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """A new password may not be the current one or one of the `count` before it (MLPS level 3).
    Off with count 0. The hashes kept are those Django already made: no extra hashing."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if not self.count or user is None or user.pk is None:
            return
        hashes = [user.password] if user.password else []
        hashes += self._earlier_hashes(user)[: max(self.count - 1, 0)]
        if any(check_password(password, stored) for stored in hashes):
            raise ValidationError(
                ngettext(
                    "This password was used recently. Choose one you have not used before.",
                    "This password is one of your last %(count)d. Choose one you have not used before.",
                    self.count,
                )
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if not self.count or user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory = apps.get_model("people", "PasswordHistory")  # noqa: N806 - models import validators
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")[self.count :]
        PasswordHistory.objects.filter(pk__in=[entry.pk for entry in stale]).delete()

    def get_help_text(self):
        return ngettext(
            "Your password cannot be the one you used last.",
            "Your password cannot be one of the last %(count)d you used.",
            self.count,
        ) % {"count": self.count}

    @staticmethod
    def _earlier_hashes(user) -> list[str]:
        PasswordHistory = apps.get_model("people", "PasswordHistory")  # noqa: N806
        # The newest row is the current password, already checked above.
        return list(
            PasswordHistory.objects.filter(user=user)
            .exclude(password=user.password)
            .order_by("-created_at", "-pk")
            .values_list("password", flat=True)
        )
