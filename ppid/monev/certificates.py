"""A body's monev certificate: one A4 landscape PDF page (issue 5 §4).

    content = certificate_pdf(participant)

It states the body, its qualification, final score and rank in its category, the period
(title and year) and the organiser, with the address of the public result page to check it
against. Written in Indonesian whatever the visitor's language: it is a document of a
public body (UU 24/2009 Pasal 27), like the letters of ppid.foi.letters. Callers check
access (a published period for the public; the back office for staff).
"""

import io
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify

from ppid.registry.exports import _CONTROL, _pdf_font

from . import results
from .models import Commission, Participant

BOLD_FONTS = [
    ("DejaVuSans-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("LiberationSans-Bold", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
]
# The organiser as the certificate names it (Indonesian, whatever the interface language).
COMMISSIONS = {
    Commission.KI_PUSAT: "Komisi Informasi Pusat",
    Commission.KI_PROVINSI: "Komisi Informasi Provinsi",
    Commission.INTERNAL: "",
}
NAVY = (0.04, 0.33, 0.58)


def certificate_filename(participant: Participant) -> str:
    stem = slugify(f"sertifikat-monev-{participant.body.slug}-{participant.period.year}")
    return f"{stem[:120]}.pdf"


def _bold_font(regular: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if regular == "Helvetica":
        return "Helvetica-Bold"
    for name, path in BOLD_FONTS:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont(name, path))
                return name
            except Exception:  # noqa: S112 - a broken font file: try the next one
                continue
    return regular


def _clean(value) -> str:
    return _CONTROL.sub("", str(value or "")).strip()


def _number(value) -> str:
    return formats.number_format(value, 2, use_l10n=True)


def certificate_pdf(participant: Participant) -> bytes:
    """The certificate of a rated participant; a body that was not rated (no final score)
    has nothing to certify: Http404."""
    if participant.final_score is None:
        raise Http404
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    period = participant.period
    with translation.override("id"):
        of_count = results.rated_in_category(participant)
        organizer = period.organizer
        issuer = COMMISSIONS.get(period.commission) or organizer.body.name
        published = timezone.localtime(period.published_at or period.closed_at or timezone.now())
        date_text = formats.date_format(published, "j F Y")
        page_path = reverse("monev:participant", args=[period.year, participant.body.slug])
    body_name = _clean(participant.body.name)
    band = _clean(participant.band.name if participant.band else "")

    regular = _pdf_font()
    bold = _bold_font(regular)
    width, height = landscape(A4)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setTitle(f"Sertifikat {body_name} {period.year}")
    pdf.setAuthor(_clean(organizer.name))
    pdf.setSubject(_clean(period.title))

    # Frame.
    pdf.setStrokeColorRGB(*NAVY)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    center = width / 2
    y = height - 34 * mm

    def line(text, font, size, gap, color=(0.1, 0.14, 0.19), max_width=width - 60 * mm):
        nonlocal y
        pdf.setFillColorRGB(*color)
        for part in simpleSplit(_clean(text), font, size, max_width) or [""]:
            pdf.setFont(font, size)
            pdf.drawCentredString(center, y, part)
            y -= size * 1.25
        y -= gap

    if period.is_demo or participant.body.is_demo:
        pdf.setFillColorRGB(0.7, 0.1, 0.1)
        pdf.setFont(bold, 10)
        pdf.drawCentredString(center, height - 24 * mm, "DATA DEMO: BUKAN SERTIFIKAT RESMI")
    line(issuer.upper(), bold, 12, 0)
    line(organizer.name, regular, 11, 8 * mm)
    line("SERTIFIKAT", bold, 34, 2 * mm, color=NAVY)
    line(f"Monitoring dan Evaluasi Keterbukaan Informasi Publik Tahun {period.year}",
         regular, 13, 0)  # fmt: skip
    line(period.title, regular, 11, 7 * mm)
    line("diberikan kepada", regular, 12, 2 * mm)
    line(body_name, bold, 24, 5 * mm)
    line("dengan kualifikasi", regular, 12, 2 * mm)
    line(band, bold, 28, 4 * mm, color=NAVY)
    line(
        f"Nilai akhir {_number(participant.final_score)} · peringkat {participant.rank} "
        f"dari {of_count} pada kategori {_clean(participant.category.name)}",
        regular, 12, 0,
    )  # fmt: skip

    pdf.setFillColorRGB(0.1, 0.14, 0.19)
    pdf.setFont(regular, 10)
    pdf.drawString(24 * mm, 30 * mm, f"Diumumkan pada {date_text}")
    pdf.drawString(24 * mm, 25 * mm, _clean(f"{organizer.name}, {organizer.body.name}"))
    pdf.setFont(regular, 8)
    pdf.drawRightString(
        width - 24 * mm, 25 * mm, f"Hasil dapat diperiksa di {settings.SITE_URL}{page_path}"
    )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
