"""Register and annual-report downloads (XLSX and PDF, §15 items 8 and 10).

Registers print as landscape A4 tables in their statutory column order (F27, F31); the
annual report (F15) as a portrait A4 document with sections (a)–(e) and as a workbook.
Everything is written in Indonesian, the language of the statutory forms, whatever language
the officer browses in. The fonts and cell clean-up are those of the DIP exports.
"""

import datetime
import io
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ppid.registry.exports import _para_text, _pdf_font, _safe_text, _xlsx_value

from . import reports

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
REGISTERS = ("requests", "objections", "disputes")


@dataclass
class Export:
    content: bytes
    filename: str
    content_type: str
    rows: int


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def _register(register: str, office, year: int, personal_data: bool):
    ids = reports.office_tree_ids(office)
    if register == "requests":
        title = _("Register of information requests")
        rows = reports.request_register_rows(
            reports.request_register(ids, year), personal_data=personal_data
        )
        return title, reports.request_register_columns(), rows
    if register == "objections":
        title = _("Register of objections")
        rows = reports.objection_register_rows(
            reports.objection_register(ids, year), personal_data=personal_data
        )
        return title, reports.objection_register_columns(), rows
    if register == "disputes":
        title = _("Register of Information Commission disputes")
        rows = reports.dispute_register_rows(reports.dispute_register(ids, year))
        return title, reports.dispute_register_columns(), rows
    raise ValueError(register)


# Relative PDF column widths per register, in the order of its columns.
PDF_WEIGHTS = {
    "requests": [1.5, 0.8, 1.1, 1.2, 1.1, 0.8, 1.8, 1.4, 0.8, 0.8, 0.7, 0.9, 1.3, 1.0, 1.0],
    "objections": [1.5, 0.8, 1.5, 1.5, 1.9, 1.5, 0.7, 1.8, 1.0, 1.3, 0.8],
    "disputes": [1.2, 1.2, 0.8, 1.4, 1.4, 0.9, 1.8, 0.8, 1.3, 1.8],
}


def export_register(register: str, fmt: str, *, office, year: int, personal_data: bool) -> Export:
    """A register of `office` (with the offices under it) for `year` as XLSX or PDF."""
    with translation.override("id"):
        title, columns, rows = _register(register, office, year, personal_data)
        subtitle = _("%(office)s, year %(year)s") % {"office": office.name, "year": year}
        if not personal_data and register != "disputes":
            subtitle += " · " + _("personal data masked")
        if fmt == "xlsx":
            content = _register_xlsx(columns, rows, title=title, subtitle=subtitle)
        elif fmt == "pdf":
            content = _register_pdf(
                columns, rows, title=title, subtitle=subtitle, weights=PDF_WEIGHTS[register]
            )
        else:
            raise ValueError(fmt)
    name = slugify(f"register-{register}-{office.slug}-{year}")[:120]
    return Export(content, f"{name}.{fmt}", FORMATS[fmt], len(rows))


def _style_header(sheet, row_number: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in sheet[row_number]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _xlsx_cell(value):
    if isinstance(value, datetime.date):
        return value
    if value is None:
        return ""
    return _safe_text(_xlsx_value(str(value)))


def _append(sheet, values) -> None:
    from openpyxl.styles import Alignment

    sheet.append([_xlsx_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # openpyxl stores text starting with "=" as a formula: force plain text.
            cell.data_type = "s"
        elif isinstance(cell.value, datetime.date):
            cell.number_format = "dd/mm/yyyy"
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _register_xlsx(columns, rows, *, title: str, subtitle: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append([_xlsx_value(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_xlsx_value(subtitle)])
    sheet.append([header for _key, header in columns])
    header_row = sheet.max_row
    _style_header(sheet, header_row)
    for index in range(1, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22
    for row in rows:
        _append(sheet, [row.get(key) for key, _h in columns])
    # After the rows: sheet.cell() would create the row and appends would skip it.
    sheet.freeze_panes = f"A{header_row + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pdf_styles(font: str):
    from reportlab.lib.styles import ParagraphStyle

    return {
        "cell": ParagraphStyle("cell", fontName=font, fontSize=6.5, leading=8),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13),
        "title": ParagraphStyle("title", fontName=font, fontSize=14, leading=18),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=9, leading=12),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=11.5, leading=15, spaceBefore=8),
        "h3": ParagraphStyle("h3", fontName=font, fontSize=10, leading=13, spaceBefore=4),
    }


def _page_footer(font: str, page_width: float):
    from reportlab.lib.units import mm

    label = _("Page")
    printed = _("Printed on %(date)s") % {"date": timezone.localdate().isoformat()}

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawRightString(page_width - 10 * mm, 8 * mm, f"{label} {doc.page}")
        canvas.drawString(10 * mm, 8 * mm, printed)
        canvas.restoreState()

    return draw


def _table(data, widths, *, header_rows: int = 1):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#DDE7F0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _register_pdf(columns, rows, *, title: str, subtitle: str, weights: list[float]) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = _pdf_font()
    styles = _pdf_styles(font)
    cell = styles["cell"]
    data = [[Paragraph(_para_text(header), cell) for _key, header in columns]]
    for row in rows:
        data.append([Paragraph(_para_text(_text(row.get(key))), cell) for key, _h in columns])
    if not rows:
        data.append(
            [Paragraph(_para_text(_("No entries in this year.")), cell)] + [""] * (len(columns) - 1)
        )
    page_width = landscape(A4)[0]
    usable = page_width - 20 * mm
    table = _table(data, [usable * w / sum(weights) for w in weights])
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
        topMargin=10 * mm, bottomMargin=14 * mm, title=title,
    )  # fmt: skip
    footer = _page_footer(font, page_width)
    story = [
        Paragraph(_para_text(title), styles["title"]),
        Paragraph(_para_text(subtitle), styles["sub"]),
        Spacer(1, 4 * mm),
        table,
    ]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# --- annual report (F15) -----------------------------------------------------------------


def _state_text(delivery) -> str:
    return {
        "met": _("on time"),
        "late": _("late"),
        "pending": _("not yet sent"),
        "overdue": _("not sent, deadline passed"),
    }[delivery.state]


def annual_report_sections(data) -> list[tuple[str, list]]:
    """The report as (heading, blocks) where a block is ("text", str) or
    ("table", title, [(label, value), ...]) or ("grid", title, headers, rows)."""
    stats = data.statistics

    def table(title, rows, *, skip_zero=False):
        return ("table", title, [(r.label, r.count) for r in rows if r.count or not skip_zero])

    narrative_missing = _("(not yet written)")
    service = [
        ("table", _("Requests received"), [(_("Total"), stats.received),
                                           (_("Late (no notice by the due date)"), stats.late)]),
        table(_("Requests by channel"), stats.by_channel),
        table(_("Requests by month"), stats.by_month),
    ]  # fmt: skip
    if data.consolidated:
        service.append(table(_("Requests by handling office"), stats.by_office))
    average = (
        _("Average: %(n)s working days") % {"n": stats.average_working_days}
        if stats.average_working_days is not None
        else ""
    )
    service += [
        table(_("Time to the written notice (working days)"), stats.timing),
        ("text", average) if average else None,
        table(_("Requests by outcome"), stats.outcomes),
        table(_("Refusals by Pasal 17 letter"), stats.rejection_grounds, skip_zero=True),
    ]
    disputes = [
        ("table", _("Objections received"), [(_("Total"), stats.objections)]),
        table(_("Objections by ground (Pasal 35)"), stats.objection_grounds),
        table(_("Objections by outcome"), stats.objection_outcomes),
        ("table", _("Information Commission disputes and court cases"),
         [(_("Disputes filed"), stats.disputes), (_("Court cases filed"), stats.court_cases)]),
        table(_("Disputes by stage"), stats.dispute_stages),
        table(_("Court cases by stage"), stats.court_stages),
    ]  # fmt: skip
    if data.disputes:
        keys = ("number", "filed_on", "stage", "decision", "execution", "court")
        columns = [(k, h) for k, h in reports.dispute_register_columns() if k in keys]
        disputes.append(
            (
                "grid",
                _("Disputes and their results"),
                [header for _k, header in columns],
                [[_text(row.get(key)) for key, _h in columns] for row in data.disputes],
            )
        )
    return [
        (_("(a) General policy"), [("text", data.report.general_policy or narrative_missing)]),
        (_("(b) Service details"), [block for block in service if block]),
        (_("(c) Details of objections and disputes"), disputes),
        (_("(d) External and internal obstacles"),
         [("text", data.report.obstacles or narrative_missing)]),
        (_("(e) Recommendations and follow-up plan"),
         [("text", data.report.recommendations or narrative_missing)]),
    ]  # fmt: skip


def _report_heading(data) -> tuple[str, list[str]]:
    title = _("Public information service report, year %(year)s") % {"year": data.year}
    lines = [f"{data.office.name} · {data.office.body.name}"]
    if data.consolidated:
        lines.append(_("Consolidated with the PPID offices under it."))
    lines.append(
        _("Due to the Atasan PPID, with a copy to the Information Commission, by %(date)s (D11).")
        % {"date": _text(data.due)}
    )
    for label, delivery in (
        (_("Sent to the Atasan PPID"), data.to_atasan),
        (_("Copy sent to the Information Commission"), data.to_ki),
    ):
        sent = _text(delivery.sent_on) if delivery.sent_on else "—"
        lines.append(f"{label}: {sent} ({_state_text(delivery)})")
    if data.statistics.has_demo:
        lines.append(_("Includes demo data: not official figures."))
    return title, lines


def export_annual_report(fmt: str, *, office, year: int) -> Export:
    with translation.override("id"):
        data = reports.annual_report_data(office, year)
        if fmt == "xlsx":
            content = _annual_xlsx(data)
        elif fmt == "pdf":
            content = _annual_pdf(data)
        else:
            raise ValueError(fmt)
    name = slugify(f"laporan-layanan-{office.slug}-{year}")[:120]
    return Export(content, f"{name}.{fmt}", FORMATS[fmt], 1)


def _annual_xlsx(data) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Laporan"
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 16
    title, lines = _report_heading(data)
    sheet.append([_xlsx_value(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in lines:
        _append(sheet, [line])
    for heading, blocks in annual_report_sections(data):
        sheet.append([])
        sheet.append([_xlsx_value(heading)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        for block in blocks:
            if block[0] == "text":
                _append(sheet, [block[1]])
            elif block[0] == "table":
                sheet.append([_xlsx_value(block[1]), _("Count")])
                _style_header(sheet, sheet.max_row)
                for label, value in block[2]:
                    _append(sheet, [label, value])
            else:
                _grid_xlsx(workbook, block)
                _append(sheet, [_("See the sheet “%(name)s”.") % {"name": "Sengketa"}])
    for row in sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _grid_xlsx(workbook, block) -> None:
    _kind, title, headers, rows = block
    sheet = workbook.create_sheet("Sengketa")
    sheet.append([_xlsx_value(title)])
    sheet.append(headers)
    _style_header(sheet, sheet.max_row)
    for row in rows:
        _append(sheet, row)


def _annual_pdf(data) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    font = _pdf_font()
    styles = _pdf_styles(font)
    page_width = A4[0]
    usable = page_width - 30 * mm
    title, lines = _report_heading(data)
    story = [Paragraph(_para_text(title), styles["title"])]
    story += [Paragraph(_para_text(line), styles["sub"]) for line in lines]
    cell = styles["body"]
    for heading, blocks in annual_report_sections(data):
        story.append(Paragraph(_para_text(heading), styles["h2"]))
        for block in blocks:
            if block[0] == "text":
                # Narrative sections are long: keep them whole, paragraph by paragraph.
                for part in block[1].split("\n\n"):
                    story.append(
                        Paragraph(_para_text(part, limit=reports.NARRATIVE_MAX_CHARS), cell)
                    )
            elif block[0] == "table":
                data_rows = [[Paragraph(_para_text(block[1]), cell), Paragraph(_("Count"), cell)]]
                data_rows += [
                    [Paragraph(_para_text(label), cell), Paragraph(str(value), cell)]
                    for label, value in block[2]
                ]
                story.append(Spacer(1, 2 * mm))
                story.append(KeepTogether(_table(data_rows, [usable * 0.8, usable * 0.2])))
            else:
                _kind, grid_title, headers, rows = block
                small = styles["cell"]
                grid = [[Paragraph(_para_text(h), small) for h in headers]]
                grid += [[Paragraph(_para_text(v), small) for v in row] for row in rows]
                story.append(Paragraph(_para_text(grid_title), styles["h3"]))
                story.append(_table(grid, [usable / len(headers)] * len(headers)))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=title,
    )  # fmt: skip
    footer = _page_footer(font, page_width)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
