"""Pure checks of what a requester types (F22): NIK structure, phone numbers, free text.
No database: table-tested in tests/foi/test_services_validation.py."""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Province codes of Kemendagri: 11 (Aceh) … 96 (Papua Barat Daya, 2022). The brief's
# range was 11–94; the four Papua provinces created in 2022 issue 93–96.
PROVINCE_MIN, PROVINCE_MAX = 11, 96
# Women's NIKs add 40 to the day of birth (digits 7–8).
FEMALE_DAY_OFFSET = 40

# Characters a person never types: C0 controls except tab and newlines, DEL, C1 controls.
# PostgreSQL refuses NUL outright.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ()\-.]{4,28}$")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 6, 16


def nik_problem(nik: str, *, today: datetime.date | None = None) -> str | None:
    """Why `nik` is not a structurally valid NIK (F22 b), or None.

    16 digits: province (1–2), regency (3–4), district (5–6), date of birth DDMMYY
    (7–12, women add 40 to the day), sequence (13–16, never 0000).
    """
    if not isinstance(nik, str) or not re.fullmatch(r"[0-9]{16}", nik):
        return _("The NIK must be exactly 16 digits.")
    province = int(nik[0:2])
    if not PROVINCE_MIN <= province <= PROVINCE_MAX:
        return _("The NIK does not start with a valid province code.")
    if nik[2:4] == "00" or nik[4:6] == "00":
        return _("The NIK's regency or district code is not valid.")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
    if not _plausible_birth_date(day, month, year2, today or timezone.localdate()):
        return _("The NIK does not contain a valid date of birth.")
    if nik[12:16] == "0000":
        return _("The NIK's last four digits cannot be 0000.")
    return None


def _plausible_birth_date(day: int, month: int, year2: int, today: datetime.date) -> bool:
    """A real calendar date in 20YY that is not after today, or else in 19YY."""
    if not 1 <= month <= 12 or day < 1:
        return False
    for year in (2000 + year2, 1900 + year2):
        if day <= calendar.monthrange(year, month)[1] and datetime.date(year, month, day) <= today:
            return True
    return False


def validate_nik(nik: str) -> None:
    problem = nik_problem(nik)
    if problem:
        raise ValidationError(problem, code="nik")


def phone_problem(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    if not PHONE_RE.match(phone or "") or not (PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS):
        return _("Enter a telephone number of 6 to 16 digits, e.g. 0812 3456 7890.")
    return None


def text_problem(value, *, max_length: int, required: bool = True) -> str | None:
    """Why a free-text answer is refused (missing, too long, control characters), or None."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return _("Enter text.")
    if CONTROL_CHARS.search(value):
        return _("Remove the control characters from this text.")
    if required and not value.strip():
        return _("This field is required.")
    if len(value) > max_length:
        return _("At most %(n)s characters.") % {"n": max_length}
    return None
