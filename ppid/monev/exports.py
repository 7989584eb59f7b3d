"""Monev workbooks (issue 5 §4): a period's full results and a body's scoring sheet.

    content = results_workbook(period)          # public once published; staff any time
    content = scoring_sheet_workbook(participant)

Callers check access (views.py for the public, B's back office for staff): these read what
they are given. Written in Indonesian whatever the visitor's language, like the other
exports of the product; scores are numbers (two decimals), text cells are plain text (a
name starting with "=" is never run as a formula).
"""

import io
from decimal import Decimal

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ppid.registry.exports import _safe_text, _xlsx_value

from . import results
from .models import Commission, Participant, Period, Question, Stage
from .scoring import TIE_BREAK_RULE, rounded

SCORE_FORMAT = "0.00"


def results_filename(period: Period) -> str:
    return f"{slugify(f'hasil-monev-{period.year}-{period.organizer.slug}')[:120]}.xlsx"


def scoring_sheet_filename(participant: Participant) -> str:
    stem = slugify(f"lembar-penilaian-{participant.body.slug}-{participant.period.year}")
    return f"{stem[:120]}.xlsx"


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | float):
        return value
    return _safe_text(_xlsx_value(str(value)))


def _append(sheet, values) -> None:
    """A row of a write-only sheet: scores with two decimals; text never a formula
    (_safe_text quotes a leading "=", "+", "-" or "@")."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        value = _cell_value(value)
        if isinstance(value, float):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = SCORE_FORMAT
            value = cell
        cells.append(value)
    sheet.append(cells)


def _new_sheet(workbook, title: str, headers: list[str], widths: list[int]):
    """A write-only sheet with a bold header row, frozen below it, and column widths."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if headers:
        sheet.freeze_panes = "A2"
        row = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            row.append(cell)
        sheet.append(row)
    return sheet


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _date(value) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "j F Y")


def _commission(value: str) -> str:
    return str(dict(Commission.choices).get(value, value))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def results_workbook(period: Period) -> bytes:
    """Sheets: results (one row per body with its category, rank, scores, qualification
    and status, the not rated last), indicator scores, the band table, and notes."""
    from openpyxl import Workbook

    with translation.override("id"):
        bands = results.bands_of(period)
        categories = results.categories_of(period)
        indicators = results.indicators_of(period)
        band_names = {band.pk: band.name for band in bands}
        category_names = {category.pk: category.name for category in categories}
        ranked = results.ranked_bodies(period, indicators=True)
        missing = results.not_rated_bodies(period)
        statuses = dict(Participant.Status.choices)

        workbook = Workbook(write_only=True)
        sheet = _new_sheet(
            workbook,
            _("Results"),
            [_("Category of public body"), _("Rank"), _("Public body"), _("Final score"),
             _("Qualification"), _("Questionnaire score"), _("Visit score"),
             _("Presentation score"), _("Reached the presentation"), _("Status")],
            [28, 8, 44, 12, 20, 14, 12, 14, 14, 22],
        )  # fmt: skip
        for row in ranked:
            _append(sheet, [
                category_names.get(row.category_id), row.rank, row.body_name, row.final_score,
                band_names.get(row.band_id, ""), row.questionnaire_score, row.visit_score,
                row.presentation_score, _yes_no(row.qualified_for_presentation),
                statuses.get(row.status, row.status),
            ])  # fmt: skip
        for row in missing:
            _append(sheet, [
                category_names.get(row.category_id), None, row.body_name, None, "",
                None, None, None, "", _("Not rated"),
            ])  # fmt: skip

        sheet = _new_sheet(
            workbook,
            _("Indicator scores"),
            [_("Category of public body"), _("Rank"), _("Public body")]
            + [f"{i.code}. {i.name} ({i.weight.normalize():f}%)" for i in indicators],
            [28, 8, 44] + [18] * len(indicators),
        )
        for row in ranked:
            _append(
                sheet,
                [category_names.get(row.category_id), row.rank, row.body_name]
                + [results.indicator_score(row.indicator_scores, i.code) for i in indicators],
            )

        dist = results.distribution(period, bands=bands, categories=categories)
        sheet = _new_sheet(
            workbook,
            _("Qualifications"),
            [_("Qualification"), _("From (inclusive)"), _("Below (exclusive)"),
             _("Public bodies")],
            [24, 16, 18, 16],
        )  # fmt: skip
        for band, count in zip(bands, dist.overall(), strict=True):
            # The top band has no upper bound: it includes 100 (F51).
            _append(sheet, [band.name, band.min_score, band.max_score, count.count])
        _append(sheet, [_("Not rated"), None, None, dist.not_rated])

        sheet = _new_sheet(workbook, _("Notes"), [], [30, 90])
        weights = dict(period.stages.filter(kind__in=Stage.WEIGHTED).values_list("kind", "weight"))
        notes = [
            (_("Title"), period.title),
            (_("Year"), period.year),
            (_("Organised by"), f"{period.organizer.name} ({_commission(period.commission)})"),
            (_("Published"), _date(period.published_at)),
            (_("Weight of the questionnaire (%)"), weights.get(Stage.Kind.QUESTIONNAIRE)),
            (_("Weight of the site visit (%)"), weights.get(Stage.Kind.VISIT)),
            (_("Weight of the presentation (%)"), weights.get(Stage.Kind.PRESENTATION)),
            (_("Minimum questionnaire score for the presentation"),
             period.presentation_threshold),
            (_("Ranking"), str(TIE_BREAK_RULE)),
            (_("Not rated"), _("A public body that did not submit the questionnaire has no "
                               "score, no qualification and no rank.")),
        ]  # fmt: skip
        if period.is_demo:
            notes.append((_("Demo data"), _("Sample data for demonstration, not official.")))
        for label, value in notes:
            _append(sheet, [label, value])
        return _save(workbook)


def scoring_sheet_workbook(participant: Participant) -> bytes:
    """Sheets: every question with the body's answer and the verified answer, their scores
    and the verifier's note; the indicator totals; the stage scores and the final result."""
    from openpyxl import Workbook

    period = participant.period
    with translation.override("id"):
        questions = list(
            Question.objects.filter(indicator__period=period)
            .select_related("indicator")
            .order_by("indicator__order", "indicator__code", "order", "code")
        )
        answers = {
            answer.question_id: answer
            for answer in participant.answers.select_related("level", "verified_level")
        }
        workbook = Workbook(write_only=True)
        sheet = _new_sheet(
            workbook,
            _("Scoring sheet"),
            [_("Indicator"), _("Number"), _("Question"), _("Weight within the indicator"),
             _("Body's answer"), _("Body's score"), _("Verified answer"), _("Verified score"),
             _("Verifier's note")],
            [28, 8, 60, 12, 30, 10, 30, 10, 40],
        )  # fmt: skip
        for question in questions:
            answer = answers.get(question.pk)
            level = answer.level if answer else None
            verified = answer.verified_level if answer else None
            _append(sheet, [
                f"{question.indicator.code}. {question.indicator.name}", question.code,
                question.text, question.weight, level.label if level else "",
                level.score if level else None, verified.label if verified else "",
                verified.score if verified else None, answer.verifier_note if answer else "",
            ])  # fmt: skip

        sheet = _new_sheet(
            workbook,
            _("Indicator totals"),
            [_("Code"), _("Indicator"), _("Weight (%)"), _("Score"), _("Weighted score")],
            [8, 50, 12, 12, 14],
        )
        for indicator in results.indicators_of(period):
            score = results.indicator_score(participant.indicator_scores, indicator.code)
            weighted = rounded(score * indicator.weight / 100) if score is not None else None
            _append(sheet, [indicator.code, indicator.name, indicator.weight, score, weighted])

        sheet = _new_sheet(workbook, _("Result"), [], [44, 50])
        weights = dict(period.stages.filter(kind__in=Stage.WEIGHTED).values_list("kind", "weight"))
        rated = participant.final_score is not None

        def stage(label, kind):
            return f"{label} ({weights.get(kind, Decimal(0)).normalize():f}%)"

        rows = [
            (_("Public body"), participant.body.name),
            (_("Period"), f"{period.title} ({period.year})"),
            (_("Category of public body"), participant.category.name),
            (_("Status"), participant.get_status_display()),
            (_("Self-assessed questionnaire score"), participant.self_score),
            (stage(_("Questionnaire score (verified)"), Stage.Kind.QUESTIONNAIRE),
             participant.questionnaire_score),
            (stage(_("Visit score"), Stage.Kind.VISIT), participant.visit_score),
            (_("Reached the presentation"), _yes_no(participant.qualified_for_presentation)),
            (stage(_("Presentation score"), Stage.Kind.PRESENTATION),
             participant.presentation_score),
            (_("Final score"), participant.final_score if rated else _("Not rated")),
            (_("Qualification"), participant.band.name if participant.band else ""),
            (_("Rank in the category"), participant.rank),
        ]  # fmt: skip
        for label, value in rows:
            _append(sheet, [label, value])
        return _save(workbook)
