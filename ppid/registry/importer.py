"""Bulk import of DIP rows (F49) from an XLSX sheet: the downloadable template, and the
parser that turns a workbook into cleaned rows plus a per-row error report.

Nothing here writes to the database: services.import_job_create stores the report and
services.import_job_run writes the rows, all or none.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Category

# Column header -> item field. Headers keep the F49 column names officers know.
COLUMNS = [
    ("judul", "title"),
    ("ringkasan_isi", "summary"),
    ("kategori", "category"),
    ("pejabat_unit_penguasa", "owner_unit"),
    ("penanggung_jawab", "responsible"),
    ("waktu_pembuatan", "creation_time"),
    ("tempat_pembuatan", "creation_place"),
    ("softcopy", "form_softcopy"),
    ("hardcopy", "form_hardcopy"),
    ("retensi", "retention"),
    ("jenis_media", "media_type"),
    ("tahun", "year"),
    ("terbitkan", "publish"),
]
HEADERS = [header for header, _field in COLUMNS]
FIELD_TO_HEADER = {name: header for header, name in COLUMNS}
REQUIRED = {"judul", "ringkasan_isi", "kategori", "pejabat_unit_penguasa", "penanggung_jawab",
            "waktu_pembuatan", "tempat_pembuatan", "retensi", "tahun"}  # fmt: skip
BOOLEAN_COLUMNS = {"softcopy", "hardcopy", "terbitkan"}
TEXT_LIMITS = {"judul": 300, "pejabat_unit_penguasa": 200, "penanggung_jawab": 200,
               "waktu_pembuatan": 120, "tempat_pembuatan": 120, "retensi": 120,
               "jenis_media": 120}  # fmt: skip
MAX_ROWS = 5000
TRUE_WORDS = {"ya", "y", "yes", "true", "1", "x", "benar"}
FALSE_WORDS = {"tidak", "t", "no", "n", "false", "0", "salah", ""}
CATEGORY_WORDS = {
    "berkala": Category.BERKALA,
    "serta_merta": Category.SERTA_MERTA,
    "serta merta": Category.SERTA_MERTA,
    "setiap_saat": Category.SETIAP_SAAT,
    "setiap saat": Category.SETIAP_SAAT,
}
EXAMPLE = [
    "Laporan Keuangan Tahun 2025",
    "Laporan realisasi anggaran, neraca dan catatan atas laporan keuangan",
    "berkala",
    "Sekretariat / Subbagian Keuangan",
    "Kepala Dinas",
    "Maret 2026",
    "Palangka Raya",
    "ya",
    "ya",
    "5 tahun",
    "PDF",
    2025,
    "tidak",
]


class WorkbookError(Exception):
    """The file as a whole cannot be read (not the per-row errors)."""


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)  # cleaned, JSON-safe, with "row" numbers
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


def build_template() -> bytes:
    """The XLSX template: header row, one example row, and drop-down lists for the
    category and yes/no columns read from a hidden sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "dip"
    sheet.append(HEADERS)
    sheet.append(EXAMPLE)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)

    choices = workbook.create_sheet("pilihan")
    choices.sheet_state = "hidden"
    for row, value in enumerate(Category.values, start=1):
        choices.cell(row=row, column=1, value=value)
    choices.cell(row=1, column=2, value="ya")
    choices.cell(row=2, column=2, value="tidak")

    category_list = DataValidation(
        type="list", formula1=f"=pilihan!$A$1:$A${len(Category.values)}", allow_blank=False
    )
    yes_no = DataValidation(type="list", formula1="=pilihan!$B$1:$B$2", allow_blank=True)
    year = DataValidation(type="whole", operator="between", formula1="1945", formula2="2100")
    for validation in (category_list, yes_no, year):
        sheet.add_data_validation(validation)
    rows = f"2:{MAX_ROWS + 1}"
    first, last = rows.split(":")
    category_list.add(f"{_letter('kategori')}{first}:{_letter('kategori')}{last}")
    for header in BOOLEAN_COLUMNS:
        yes_no.add(f"{_letter(header)}{first}:{_letter(header)}{last}")
    year.add(f"{_letter('tahun')}{first}:{_letter('tahun')}{last}")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def parse_workbook(upload) -> ParseResult:
    """Read every row of the first sheet and validate it; raises WorkbookError when the
    file or its header row cannot be used at all."""
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, TypeError) as exc:
        raise WorkbookError(_("The file could not be read as an XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        columns = _header_positions(header_row)
        result = ParseResult()
        count = 0
        for number, values in enumerate(rows, start=2):
            if values is None or all(_blank(v) for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise WorkbookError(
                    _("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}
                )
            raw = {h: (values[i] if i < len(values) else None) for h, i in columns.items()}
            _clean_row(number, raw, result)
        if count == 0:
            raise WorkbookError(_("The file has no data rows below the header."))
        return result
    finally:
        workbook.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_positions(header_row) -> dict[str, int]:
    if not header_row:
        raise WorkbookError(_("The first row must hold the column headers of the template."))
    positions = {}
    for index, value in enumerate(header_row):
        name = str(value or "").strip().lower()
        if name in HEADERS and name not in positions:
            positions[name] = index
    missing = [h for h in HEADERS if h not in positions and h in REQUIRED]
    if missing:
        raise WorkbookError(
            _("Columns missing from the header row: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    return positions


def _clean_row(number: int, raw: dict, result: ParseResult) -> None:
    """Append the cleaned row, or its errors; every problem of the row is reported."""
    before = len(result.errors)
    cleaned: dict = {"row": number}
    for header, name in COLUMNS:
        value = raw.get(header)
        if header in BOOLEAN_COLUMNS:
            parsed = _boolean(value, default=header == "softcopy")
            if parsed is None:
                result.add_error(number, header, _("Write ya or tidak."))
            cleaned[name] = bool(parsed)
        elif header == "tahun":
            parsed_year = _year(value)
            if parsed_year is None:
                result.add_error(
                    number,
                    header,
                    _("Enter a year between 1945 and %(max)s.")
                    % {"max": timezone.localdate().year + 1},
                )
            cleaned[name] = parsed_year
        elif header == "kategori":
            word = str(value or "").strip().lower()
            if word not in CATEGORY_WORDS:
                result.add_error(number, header, _("Choose berkala, serta_merta or setiap_saat."))
            cleaned[name] = CATEGORY_WORDS.get(word, "")
        else:
            text = _text(value)
            if header in REQUIRED and not text:
                result.add_error(number, header, _("This column is required."))
            limit = TEXT_LIMITS.get(header)
            if limit and len(text) > limit:
                result.add_error(number, header, _("At most %(n)s characters.") % {"n": limit})
            cleaned[name] = text
    if not (cleaned["form_softcopy"] or cleaned["form_hardcopy"]):
        result.add_error(number, "softcopy", _("Choose at least one available form."))
    if len(result.errors) == before:
        result.rows.append(cleaned)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Control characters have no place in a register and break some exports.
    return "".join(ch for ch in str(value) if ch in "\n\t" or ch.isprintable()).strip()


def _boolean(value, *, default: bool) -> bool | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    word = str(value).strip().lower()
    if word == "":
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _year(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1945 <= value <= timezone.localdate().year + 1:
        return value
    return None
