"""DIP exports (XLSX, CSV, PDF) in the statutory column layout (F49).

The same functions serve the live DIP (services.dip_rows) and an established version
(DipEstablishment.rows): both are lists of plain row dicts, so a frozen version exports
exactly what was established. Headers are always in Indonesian: the column names are the
ones the Perki DIP format prescribes, whatever language the visitor browses in.
"""

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Category

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def columns() -> list[tuple[str, str]]:
    """(row key, header) pairs in the F49 order."""
    return [
        ("no", _("No.")),
        ("title", _("Information title")),
        ("summary", _("Summary of the contents of the information")),
        ("owner_unit", _("Official/unit/work unit holding the information")),
        ("responsible", _("Person responsible for producing or issuing the information")),
        ("when_where", _("Time and place the information was created")),
        ("forms", _("Form of the information available")),
        ("retention", _("Retention period of the record")),
        ("media_type", _("Type of media containing the information")),
        ("year", _("Year")),
    ]


def category_headings() -> dict[str, str]:
    # F2, F3, F4: the three statutory groups of a DIP, in the order the DIP lists them.
    return {
        Category.BERKALA: _("Information provided and announced periodically"),
        Category.SERTA_MERTA: _("Information announced immediately"),
        Category.SETIAP_SAAT: _("Information available at all times"),
    }


def _cell(row: dict, key: str):
    if key == "when_where":
        parts = [str(row.get("creation_time") or ""), str(row.get("creation_place") or "")]
        return ", ".join(p for p in parts if p)
    value = row.get(key)
    return "" if value is None else value


def grouped(rows: Iterable[dict]) -> list[tuple[str, str, list[dict]]]:
    """Rows grouped by category in the statutory order: (category, heading, rows)."""
    headings = category_headings()
    groups: dict[str, list[dict]] = {key: [] for key in headings}
    for row in rows:
        groups.setdefault(row.get("category", ""), []).append(row)
    return [(key, headings.get(key, key), items) for key, items in groups.items() if items]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value):
    """Text that a spreadsheet will not run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def filename(body_slug: str, suffix: str, ext: str) -> str:
    """A download name with only safe characters: dip-<body>-<suffix>.<ext>."""
    stem = slugify(f"dip-{body_slug}-{suffix}") or "dip"
    return f"{stem[:120]}.{ext}"


def to_csv(rows: list[dict], *, title: str = "") -> bytes:
    """UTF-8 with a BOM so that Excel opens Indonesian text correctly; one flat table
    with the category as its own column (machine-readable: no group rows)."""
    with translation.override("id"):
        cols = columns()
        headings = category_headings()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Category")] + [header for _key, header in cols])
        for row in rows:
            category = headings.get(row.get("category", ""), row.get("category", ""))
            writer.writerow([category] + [_safe_text(_cell(row, key)) for key, _h in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value):
    # XML 1.0 cannot carry most control characters; openpyxl refuses them with an error.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(rows: list[dict], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    with translation.override("id"):
        cols = columns()
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "DIP"
        sheet.append([_xlsx_value(title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        sheet.append([header for _key, header in cols])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for letter_index, (_key, _h) in enumerate(cols, start=1):
            width = 6 if letter_index == 1 else 28
            sheet.column_dimensions[get_column_letter(letter_index)].width = width
        for _category, heading, items in grouped(rows):
            sheet.append([heading])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(cols)
            )
            for row in items:
                sheet.append([_xlsx_value(_cell(row, key)) for key, _h in cols])
                for cell in sheet[sheet.max_row]:
                    # openpyxl stores text starting with "=" as a formula: force plain text.
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


_FONT_CANDIDATES = [
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]


def _pdf_font() -> str:
    """A TrueType font with wide Unicode coverage when the system has one, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path in _FONT_CANDIDATES:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont(name, path))
                return name
            except Exception:  # noqa: S112 - a broken font file: try the next one
                continue
    return "Helvetica"


# Characters a PDF text run cannot carry (control characters): dropped, not escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# A table row cannot break across PDF pages: a cell taller than a page would stop the
# export. Long text is cut in the PDF (the XLSX and CSV keep it whole).
PDF_CELL_MAX_CHARS = 1500
PDF_CELL_MAX_LINES = 12


def _para_text(value, limit: int = PDF_CELL_MAX_CHARS) -> str:
    text = _CONTROL.sub("", str(value))
    if len(text) > limit:
        text = text[:limit].rstrip() + " …"
    lines = text.split("\n")
    # Line breaks count against the page height too: keep the first few, join the rest.
    text = "\n".join(lines[:PDF_CELL_MAX_LINES]) + (
        " " + " ".join(lines[PDF_CELL_MAX_LINES:]) if len(lines) > PDF_CELL_MAX_LINES else ""
    )
    return escape(text).replace("\n", "<br/>")


def to_pdf(rows: list[dict], *, title: str, subtitle: str = "") -> bytes:
    """A landscape A4 table with the title, the date and page numbers on every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    with translation.override("id"):
        font = _pdf_font()
        cols = columns()
        cell_style = ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.5)
        head_style = ParagraphStyle("head", parent=cell_style, fontSize=7)
        title_style = ParagraphStyle("title", fontName=font, fontSize=13, leading=16)
        sub_style = ParagraphStyle("sub", fontName=font, fontSize=9, leading=12)
        page_label = _("Page")
        generated = _("Printed on %(date)s") % {"date": timezone.localdate().isoformat()}

        data = [[Paragraph(_para_text(header), head_style) for _key, header in cols]]
        group_rows = []
        for _category, heading, items in grouped(rows):
            group_rows.append(len(data))
            data.append(
                [Paragraph("<b>" + _para_text(heading) + "</b>", cell_style)]
                + [""] * (len(cols) - 1)
            )
            for row in items:
                data.append(
                    [Paragraph(_para_text(_cell(row, key)), cell_style) for key, _h in cols]
                )
        if len(data) == 1:
            data.append(
                [Paragraph(_para_text(_("No published information yet.")), cell_style)]
                + [""] * (len(cols) - 1)
            )
            group_rows.append(1)

        page_width = landscape(A4)[0] - 20 * mm
        weights = [0.4, 1.6, 2.2, 1.3, 1.3, 1.2, 0.9, 1.0, 0.9, 0.5]
        widths = [page_width * w / sum(weights) for w in weights]
        table = Table(data, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE7F0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for index in group_rows:
            style += [
                ("SPAN", (0, index), (-1, index)),
                ("BACKGROUND", (0, index), (-1, index), colors.HexColor("#F2F2F2")),
            ]
        table.setStyle(TableStyle(style))

        def number_pages(canvas, doc):
            canvas.saveState()
            canvas.setFont(font, 8)
            canvas.drawRightString(landscape(A4)[0] - 10 * mm, 8 * mm, f"{page_label} {doc.page}")
            canvas.drawString(10 * mm, 8 * mm, generated)
            canvas.restoreState()

        out = io.BytesIO()
        document = SimpleDocTemplate(
            out,
            pagesize=landscape(A4),
            leftMargin=10 * mm,
            rightMargin=10 * mm,
            topMargin=10 * mm,
            bottomMargin=14 * mm,
            title=title,
        )
        story = [Paragraph(_para_text(title), title_style)]
        if subtitle:
            story.append(Paragraph(_para_text(subtitle), sub_style))
        story += [Spacer(1, 4 * mm), table]
        document.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return out.getvalue()


def render(fmt: str, rows: list[dict], *, title: str, subtitle: str = "") -> bytes:
    if fmt == "xlsx":
        return to_xlsx(rows, title=title)
    if fmt == "csv":
        return to_csv(rows, title=title)
    if fmt == "pdf":
        return to_pdf(rows, title=title, subtitle=subtitle)
    raise ValueError(fmt)
