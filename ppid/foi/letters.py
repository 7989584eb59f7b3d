"""Numbered PDF letters of the request and objection procedure (domain.md §15).

    letter = letter_create(request, Letter.Kind.RECEIPT, actor=officer)

Each letter is numbered and its text frozen from the case data inside the caller's
transaction: its number comes from a gap-free series per office, kind and year
(ppid.core.numbering; a rolled-back step gives its number back). The PDF is rendered from
that frozen text on first use and kept in private storage (letter_file). The text is in Bahasa
Indonesia whatever language the officer browses in: these are official documents of a
public body, which UU 24/2009 Pasal 27 requires in Indonesian, with statutory titles.
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.core.calendar import WEEKDAY_NAMES, due_date, policy_for
from ppid.core.numbering import next_number
from ppid.organizations.access import memo_changed, office_staff, scope_memo
from ppid.organizations.models import Office, Role
from ppid.registry.exports import _pdf_font

from .models import (
    InformationRequest,
    Letter,
    Notice,
    Objection,
    ServiceSettings,
)
from .rules import LIMITS

# Short series codes printed in the letter number ("007/TBP/PPID-DINAS-A/2026").
KIND_CODES = {
    Letter.Kind.RECEIPT: "TBP",
    Letter.Kind.NOTICE: "PT",
    Letter.Kind.EXTENSION: "PWP",
    Letter.Kind.REJECTION: "SKP",
    Letter.Kind.HANDOVER: "TBS",
    Letter.Kind.FEE_RECEIPT: "KWT",
    Letter.Kind.OBJECTION_RECEIPT: "KBR",
    Letter.Kind.OBJECTION_DECISION: "TAP",
}

# §15: the statutory titles.
TITLES = {
    Letter.Kind.RECEIPT: "Tanda Bukti Penerimaan Permohonan Informasi Publik",
    Letter.Kind.NOTICE: "Pemberitahuan Tertulis",
    Letter.Kind.EXTENSION: "Surat Perpanjangan Waktu",
    Letter.Kind.REJECTION: "Surat Keputusan PPID tentang Penolakan Permohonan Informasi",
    Letter.Kind.HANDOVER: "Tanda Bukti Penyerahan Informasi Publik",
    Letter.Kind.FEE_RECEIPT: "Kuitansi",
    Letter.Kind.OBJECTION_RECEIPT: "Formulir Pernyataan Keberatan",
    Letter.Kind.OBJECTION_DECISION: "Tanggapan Atasan PPID atas Keberatan",
}

OBJECTION_KINDS = {Letter.Kind.OBJECTION_RECEIPT, Letter.Kind.OBJECTION_DECISION}

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

# F6: UU 14/2008 Pasal 17 huruf a–j, as the refusal letter quotes it.
PASAL17_TEXT = {
    "a": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "menghambat proses penegakan hukum",
    "b": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "mengganggu kepentingan perlindungan hak atas kekayaan intelektual dan perlindungan dari "
    "persaingan usaha tidak sehat",
    "c": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "membahayakan pertahanan dan keamanan negara",
    "d": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "mengungkapkan kekayaan alam Indonesia",
    "e": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "merugikan ketahanan ekonomi nasional",
    "f": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "merugikan kepentingan hubungan luar negeri",
    "g": "informasi yang apabila dibuka dapat mengungkapkan isi akta otentik yang bersifat "
    "pribadi dan kemauan terakhir ataupun wasiat seseorang",
    "h": "informasi yang apabila dibuka dan diberikan kepada Pemohon Informasi Publik dapat "
    "mengungkap rahasia pribadi",
    "i": "memorandum atau surat-surat antar Badan Publik atau intra Badan Publik yang menurut "
    "sifatnya dirahasiakan kecuali atas putusan Komisi Informasi atau pengadilan",
    "j": "informasi yang tidak boleh diungkapkan berdasarkan Undang-Undang",
}

# F28: UU 14/2008 Pasal 35 ayat (1) huruf a–g.
PASAL35_TEXT = {
    "a": "penolakan atas permintaan informasi berdasarkan alasan pengecualian sebagaimana "
    "dimaksud dalam Pasal 17",
    "b": "tidak disediakannya informasi berkala sebagaimana dimaksud dalam Pasal 9",
    "c": "tidak ditanggapinya permintaan informasi",
    "d": "permintaan informasi ditanggapi tidak sebagaimana yang diminta",
    "e": "tidak dipenuhinya permintaan informasi",
    "f": "pengenaan biaya yang tidak wajar",
    "g": "penyampaian informasi yang melebihi waktu yang diatur dalam Undang-Undang",
}

CHANNELS = {
    "website": "Situs web",
    "aplikasi": "Aplikasi (API)",
    "langsung": "Datang langsung",
    "telepon": "Telepon",
    "surat": "Surat/pos",
    "email": "Surat elektronik (e-mail)",
    "faksimili": "Faksimili",
}
OBTAIN = {  # F23 cara memperoleh
    "melihat": "melihat",
    "membaca": "membaca",
    "mendengarkan": "mendengarkan",
    "mencatat": "mencatat",
    "salinan": "mendapatkan salinan",
}
DELIVERY = {  # F23 cara mendapatkan salinan
    "langsung": "mengambil langsung",
    "kurir": "kurir",
    "pos": "pos",
    "faksimili": "faksimili",
    "email": "surat elektronik (e-mail)",
}
COPY_FORMATS = {"softcopy": "softcopy (elektronik)", "hardcopy": "hardcopy (cetak)"}
DECISIONS = {
    "diterima_seluruhnya": "Permohonan diterima seluruhnya",
    "diterima_sebagian": "Permohonan diterima sebagian",
    "ditolak": "Permohonan ditolak",
    "tidak_dikuasai": "Informasi tidak dikuasai",
}
CONTROL = {
    "dikuasai": "Informasi dikuasai oleh Badan Publik ini",
    "tidak_dikuasai": "Informasi tidak dikuasai oleh Badan Publik ini",
    "badan_lain": "Informasi dikuasai oleh Badan Publik lain",
}
REQUESTER_KINDS = {
    "perorangan": "Perorangan",
    "badan_hukum": "Badan hukum",
    "kelompok": "Kelompok orang",
}


# --- formatting -------------------------------------------------------------------------


def tanggal(day: datetime.date | None, *, weekday: bool = False) -> str:
    """An Indonesian date: "21 April 2025", or "Senin, 21 April 2025"."""
    if day is None:
        return "-"
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAY_NAMES[day.isoweekday()]}, {text}" if weekday else text


def waktu(moment: datetime.datetime | None) -> str:
    """An Indonesian local date and time: "26 Maret 2025 pukul 10.15 WIB"."""
    if moment is None:
        return "-"
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    zone = local.tzname() or ""
    return f"{tanggal(local.date())} pukul {local:%H.%M} {zone}".rstrip()


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def policy_text(policy: dict) -> str:
    """The counting policy that produced a deadline, as printed on receipts and notices
    (§10: "cuti bersama dihitung sebagai hari libur"; C2–C4, C8)."""
    parts = [
        "cuti bersama dihitung sebagai hari kerja"
        if policy.get("cuti_bersama_is_working_day")
        else "cuti bersama dihitung sebagai hari libur"
    ]
    week = [int(d) for d in policy.get("work_week") or [1, 2, 3, 4, 5]]
    if week == list(range(week[0], week[-1] + 1)):
        parts.append(f"hari kerja {WEEKDAY_NAMES[week[0]]}–{WEEKDAY_NAMES[week[-1]]}")
    else:
        parts.append("hari kerja " + ", ".join(WEEKDAY_NAMES[d] for d in week))
    parts.append("hari libur nasional tidak dihitung")
    if policy.get("service_closes"):
        closes = str(policy["service_closes"]).replace(":", ".")
        parts.append(
            f"permohonan yang diterima setelah pukul {closes} atau pada hari libur dihitung "
            "diterima pada hari kerja berikutnya"
        )
    if policy.get("calendar_version"):
        parts.append(f"versi kalender {policy['calendar_version']}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def office_code(office: Office) -> str:
    """A short, unique code for letter numbers: the office slug without its "ppid-" prefix."""
    code = re.sub(r"^ppid-", "", office.slug).upper()
    if len(code) > 30:
        code = f"{code[:24].rstrip('-')}-{office.pk}"
    return code


# --- the signatory ----------------------------------------------------------------------


@dataclass
class Signatory:
    position: str
    name: str = ""
    nip: str = ""


def _utama_of(office: Office) -> Office:
    while office.kind != Office.Kind.UTAMA and office.parent_id:
        office = office.parent
    return office


def _from_appointment(appointment, default_position: str) -> Signatory:
    user = appointment.user
    name = appointment.person_name or user.get_full_name() or user.get_username()
    return Signatory(
        position=appointment.position or default_position, name=name, nip=appointment.nip
    )


def _from_row(row: dict, default_position: str) -> Signatory:
    """_from_appointment for a row of organizations.access.office_staff."""
    full_name = f"{row['user__first_name']} {row['user__last_name']}".strip()
    return Signatory(
        position=row["position"] or default_position,
        name=row["person_name"] or full_name or row["user__username"],
        nip=row["nip"],
    )


def signatory_for(office: Office, on: datetime.date, *, atasan: bool = False) -> Signatory:
    """The appointment valid on the letter date (F48): the office's PPID, or the Atasan
    PPID of the body for objection decisions. The newest appointment of the preferred
    role wins."""
    if atasan:
        utama = _utama_of(office)
        for row in office_staff(utama, on):
            if row["role"] == Role.ATASAN_PPID:
                return _from_row(row, "Atasan PPID")
        return Signatory(position="Atasan PPID " + utama.body.name)
    roles = (
        [Role.PPID_UTAMA, Role.PPID_PELAKSANA]
        if office.kind == Office.Kind.UTAMA
        else [Role.PPID_PELAKSANA, Role.PPID_UTAMA]
    )
    found = {}
    for row in office_staff(office, on):
        found.setdefault(row["role"], row)
    for role in roles:
        if role in found:
            return _from_row(found[role], office.name)
    return Signatory(position=office.name)


# --- what each letter says --------------------------------------------------------------


@dataclass
class Content:
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    signatory: Signatory | None = None


def _requester_fields(request: InformationRequest, *, contact: bool = True) -> list:
    rows = [
        ("Nama pemohon", request.requester_name),
        ("Jenis pemohon", REQUESTER_KINDS.get(request.requester_kind, request.requester_kind)),
    ]
    if request.proxy_name:
        rows.append(("Kuasa pemohon", request.proxy_name))
    if contact:
        rows.append(("Alamat", request.address or "-"))
        rows.append(("Pekerjaan", request.occupation or "-"))
        rows.append(
            ("Telepon/e-mail", " / ".join(v for v in (request.phone, request.email) if v) or "-")
        )
    return rows


def _deadline_fields(request: InformationRequest) -> list:
    policy = request.policy or policy_for(request.body).as_dict()
    rows = [
        (
            "Batas waktu pemberitahuan tertulis",
            f"{tanggal(request.due_date, weekday=True)} "
            f"({LIMITS.response_wd} hari kerja sejak permohonan diterima, "
            "Pasal 22 ayat (7) UU 14/2008)",
        )
    ]
    if request.due_date_extended:
        rows[0] = (
            "Batas waktu pemberitahuan tertulis",
            f"{tanggal(request.due_date_extended, weekday=True)} (diperpanjang dari "
            f"{tanggal(request.due_date_original)}, Pasal 22 ayat (8) UU 14/2008)",
        )
    rows.append(("Dihitung mulai", tanggal(request.counting_from)))
    rows.append(("Kebijakan penghitungan hari kerja", policy_text(policy)))
    return rows


def _receipt(request, **_kw) -> Content:
    methods = ", ".join(OBTAIN.get(m, m) for m in request.obtain_methods or []) or "-"
    copy = COPY_FORMATS.get(request.copy_format, "")
    delivery = DELIVERY.get(request.delivery_method, "")
    return Content(
        title=TITLES[Letter.Kind.RECEIPT],
        fields=[
            ("Nomor pendaftaran", request.registration_number),
            ("Tanggal diterima", waktu(request.received_at)),
            ("Saluran", CHANNELS.get(request.channel, request.channel)),
            *_requester_fields(request),
            ("Rincian informasi yang dibutuhkan", request.information),
            ("Tujuan penggunaan informasi", request.purpose),
            ("Cara memperoleh informasi", methods),
            ("Format salinan", copy or "-"),
            ("Cara mendapatkan salinan", delivery or "-"),
            *_deadline_fields(request),
        ],
        paragraphs=[
            "Nomor pendaftaran ini adalah tanda bukti penerimaan permohonan informasi publik "
            "(Pasal 22 ayat (4) UU 14/2008). Simpan nomor ini untuk menanyakan perkembangan "
            "permohonan Anda."
        ],
    )


def _sent_notice(request) -> Notice | None:
    notices = request.notices.select_related("other_body", "exempt_entry", "consequence_test")
    return notices.filter(state=Notice.State.SENT).last() or notices.last()


def _notice(request, **_kw) -> Content:
    notice = _sent_notice(request)
    if notice is None:
        raise ValidationError(_("There is no written notice to print for this request."))
    settings_row = ServiceSettings.objects.filter(body=request.office.body).first()
    other = notice.other_body_name or (notice.other_body.name if notice.other_body else "")
    decision = DECISIONS.get(notice.decision, notice.decision)
    if notice.decision == "ditolak" and notice.rejection_ground:
        decision += (
            f", berdasarkan Pasal 17 huruf {notice.rejection_ground} UU 14/2008 "
            f"({PASAL17_TEXT.get(notice.rejection_ground, '')})"
        )
        if notice.rejection_reasons:
            decision += f". Alasan: {notice.rejection_reasons}"
    delivery = DELIVERY.get(notice.delivery_method, "-")
    copy = COPY_FORMATS.get(notice.copy_format, "-")
    payment = notice.payment_method or (settings_row.payment_instructions if settings_row else "")
    cost = rupiah(notice.cost) + (f"; cara pembayaran: {payment}" if notice.cost else "")
    if not notice.cost:
        cost += " (tanpa biaya)"
    fields = [
        ("Nomor pendaftaran", request.registration_number),
        ("Tanggal permohonan", waktu(request.received_at)),
        *_requester_fields(request, contact=False),
        ("Informasi yang diminta", request.information),
        # F18 a–g: UU 14/2008 Pasal 22 ayat (7)
        ("a. Penguasaan informasi", CONTROL.get(notice.control, notice.control)),
        ("b. Badan Publik yang menguasai informasi", other or "-"),
        ("c. Keputusan", decision),
        ("d. Bahan informasi yang diberikan", notice.material or "-"),
        ("e. Bagian yang dihitamkan dan alasannya", notice.redactions or "-"),
        ("f. Alat penyampai dan format", f"{delivery}; format {copy}"),
        ("g. Biaya dan cara pembayaran", cost),
    ]
    if notice.provision_time:
        fields.append(("Waktu penyediaan", notice.provision_time))
    fields += _deadline_fields(request)
    paragraphs = []
    if notice.decision != "diterima_seluruhnya":
        paragraphs.append(_objection_right(request))
    signatory = None
    if notice.signatory_id:
        signatory = _from_appointment(notice.signatory, request.office.name)
    return Content(
        title=TITLES[Letter.Kind.NOTICE],
        fields=fields,
        paragraphs=paragraphs,
        signatory=signatory,
    )


def _objection_right(request) -> str:
    # D4 (F30): 30 working days after the ground is found; printed as a window, never a wait.
    window = due_date(timezone.now(), LIMITS.objection_filing_wd, body=request.office.body)
    return (
        "Apabila Pemohon tidak puas dengan keputusan ini, Pemohon berhak mengajukan keberatan "
        "kepada Atasan PPID paling lambat "
        f"{LIMITS.objection_filing_wd} hari kerja sejak keputusan ini diterima (Pasal 35 dan "
        f"Pasal 36 UU 14/2008); bila diterima hari ini, paling lambat "
        f"{tanggal(window.due_date, weekday=True)}."
    )


def _extension(request, **_kw) -> Content:
    extension = getattr(request, "extension", None)
    if extension is None:
        raise ValidationError(_("This request has not been extended."))
    return Content(
        title=TITLES[Letter.Kind.EXTENSION],
        fields=[
            ("Nomor pendaftaran", request.registration_number),
            ("Tanggal permohonan", waktu(request.received_at)),
            *_requester_fields(request, contact=False),
            ("Informasi yang diminta", request.information),
            ("Alasan perpanjangan", extension.reasons),
            ("Perpanjangan", f"{extension.working_days} hari kerja"),
            ("Batas waktu semula", tanggal(request.due_date_original, weekday=True)),
            ("Batas waktu baru", tanggal(extension.new_due_date, weekday=True)),
            (
                "Kebijakan penghitungan hari kerja",
                policy_text(request.policy or policy_for(request.body).as_dict()),
            ),
        ],
        paragraphs=[
            "Sesuai Pasal 22 ayat (8) UU 14/2008, jangka waktu pemberitahuan tertulis atas "
            f"permohonan ini diperpanjang paling lama {LIMITS.extension_wd} hari kerja "
            "berikutnya dengan alasan tertulis di atas. Perpanjangan hanya dapat dilakukan "
            "satu kali."
        ],
    )


def _rejection(request, **_kw) -> Content:
    notice = _sent_notice(request)
    if notice is None or notice.decision != "ditolak":
        raise ValidationError(_("This request has no refusal notice."))
    ground = notice.rejection_ground
    basis = f"Pasal 17 huruf {ground} UU 14/2008: {PASAL17_TEXT.get(ground, '')}"
    fields = [
        ("Nomor pendaftaran", request.registration_number),
        ("Tanggal permohonan", waktu(request.received_at)),
        *_requester_fields(request),
        ("Informasi yang diminta", request.information),
        ("Dasar pengecualian", basis),
        ("Alasan penolakan", notice.rejection_reasons or "-"),
    ]
    if notice.exempt_entry:
        entry = notice.exempt_entry
        fields.append(
            (
                "Daftar Informasi yang Dikecualikan",
                f"{entry.information}; dasar hukum: {entry.legal_basis}; "
                f"penetapan {entry.decree_number} tanggal {tanggal(entry.decree_date)}",
            )
        )
        fields.append(("Konsekuensi bila dibuka", entry.consequence))
    test = notice.consequence_test or (
        notice.exempt_entry.consequence_test if notice.exempt_entry else None
    )
    if test:
        fields.append(
            (
                "Uji konsekuensi",
                f"{test.document_identified}, diuji tanggal {tanggal(test.tested_on)}",
            )
        )
    return Content(
        title=TITLES[Letter.Kind.REJECTION],
        fields=fields,
        paragraphs=[
            "PPID memutuskan menolak permohonan informasi publik tersebut di atas karena "
            "informasi yang diminta termasuk informasi yang dikecualikan.",
            _objection_right(request),
        ],
    )


def _handover(request, **_kw) -> Content:
    handover = request.handovers.last()
    if handover is None:
        raise ValidationError(_("No information has been handed over for this request."))
    fields = [
        ("Nomor pendaftaran", request.registration_number),
        *_requester_fields(request, contact=False),
        ("Informasi yang diserahkan", request.information),
        ("Tanggal penyerahan", waktu(handover.created_at or timezone.now())),
        ("Cara penyerahan", DELIVERY.get(handover.method, handover.method)),
    ]
    if handover.file_name:
        fields.append(("Berkas", handover.file_name))
    if handover.receipt_number:
        fields.append(("Nomor tanda terima", handover.receipt_number))
    fields.append(("Diterima oleh", handover.received_by or request.requester_name))
    return Content(
        title=TITLES[Letter.Kind.HANDOVER],
        fields=fields,
        paragraphs=[
            "Informasi publik sebagaimana tersebut di atas telah diserahkan kepada Pemohon."
        ],
    )


def _fee_receipt(request, **_kw) -> Content:
    fees = list(request.fees.filter(paid_at__isnull=False))
    if not fees:
        raise ValidationError(_("No fee has been paid for this request."))
    fields = [
        ("Nomor pendaftaran", request.registration_number),
        ("Telah terima dari", request.requester_name),
    ]
    for fee in fees:
        fields.append(
            (
                fee.item,
                f"{fee.quantity} × {rupiah(fee.unit_price)} = {rupiah(fee.total)}; "
                f"dibayar {waktu(fee.paid_at)}"
                + (f"; bukti {fee.receipt_number}" if fee.receipt_number else ""),
            )
        )
    fields.append(("Jumlah", rupiah(sum(fee.total for fee in fees))))
    return Content(
        title=TITLES[Letter.Kind.FEE_RECEIPT],
        fields=fields,
        paragraphs=[
            "Biaya penggandaan dan/atau pengiriman informasi publik (Pasal 22 ayat (7) huruf g "
            "UU 14/2008). Layanan informasi publik tidak dipungut biaya."
        ],
    )


def _grounds(objection: Objection) -> str:
    return "; ".join(f"{g}. {PASAL35_TEXT.get(g, g)}" for g in objection.grounds) or "-"


def _objection_receipt(request, *, objection, **_kw) -> Content:
    filing = (
        f"{tanggal(objection.filing_due_date, weekday=True)} (alasan ditemukan "
        f"{tanggal(objection.ground_found_on)})"
    )
    if objection.filed_late:
        filing += "; diajukan setelah lewat 30 hari kerja"
    return Content(
        title=TITLES[Letter.Kind.OBJECTION_RECEIPT],
        fields=[
            ("Nomor registrasi keberatan", objection.registration_number),
            ("Tanggal diterima", waktu(objection.received_at)),
            ("Nomor pendaftaran permohonan", request.registration_number),
            *_requester_fields(request),
            ("Informasi yang diminta", request.information),
            ("Tujuan penggunaan informasi", request.purpose),
            ("Alasan keberatan (Pasal 35 ayat (1) UU 14/2008)", _grounds(objection)),
            ("Kasus posisi", objection.case_description),
            ("Batas waktu pengajuan keberatan", filing),
            (
                "Batas waktu tanggapan Atasan PPID",
                f"{tanggal(objection.due_date, weekday=True)} "
                f"({LIMITS.objection_response_wd} hari kerja, Pasal 36 ayat (2) UU 14/2008)",
            ),
            (
                "Kebijakan penghitungan hari kerja",
                policy_text(objection.policy or policy_for(request.body).as_dict()),
            ),
        ],
        paragraphs=[
            "Salinan formulir ini adalah tanda bukti penerimaan keberatan, dengan nomor "
            "registrasi keberatan di atas."
        ],
    )


def _objection_decision(request, *, objection, **_kw) -> Content:
    decisions = {
        Objection.Status.GRANTED: "Mengabulkan keberatan: informasi diberikan/diperbaiki",
        Objection.Status.UPHELD: "Menguatkan keputusan PPID",
    }
    if objection.status not in decisions:
        raise ValidationError(_("The Atasan PPID has not decided this objection yet."))
    signatory = _from_appointment(objection.atasan, "Atasan PPID") if objection.atasan_id else None
    return Content(
        title=TITLES[Letter.Kind.OBJECTION_DECISION],
        fields=[
            ("Nomor registrasi keberatan", objection.registration_number),
            ("Tanggal keberatan diterima", waktu(objection.received_at)),
            ("Nomor pendaftaran permohonan", request.registration_number),
            *_requester_fields(request, contact=False),
            ("Informasi yang diminta", request.information),
            ("Alasan keberatan", _grounds(objection)),
            ("Keputusan Atasan PPID", decisions[objection.status]),
            ("Alasan", objection.decision_reasons or "-"),
            ("Tanggal tanggapan", waktu(objection.decided_at or timezone.now())),
        ],
        paragraphs=[
            "Apabila Pemohon tidak puas dengan tanggapan ini, Pemohon dapat mengajukan "
            "permohonan penyelesaian sengketa informasi kepada Komisi Informasi paling lambat "
            f"{LIMITS.dispute_filing_wd} hari kerja setelah diterimanya tanggapan tertulis ini "
            "(Pasal 37 ayat (2) UU 14/2008)."
        ],
        signatory=signatory,
    )


BUILDERS = {
    Letter.Kind.RECEIPT: _receipt,
    Letter.Kind.NOTICE: _notice,
    Letter.Kind.EXTENSION: _extension,
    Letter.Kind.REJECTION: _rejection,
    Letter.Kind.HANDOVER: _handover,
    Letter.Kind.FEE_RECEIPT: _fee_receipt,
    Letter.Kind.OBJECTION_RECEIPT: _objection_receipt,
    Letter.Kind.OBJECTION_DECISION: _objection_decision,
}


# --- PDF --------------------------------------------------------------------------------

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value) -> str:
    return escape(_CONTROL_CHARS.sub("", str(value))).replace("\n", "<br/>")


# The letterhead is read once per office object (organizations.access.scope_memo), afresh
# when the settings, the body or the office change.
receiver([post_save, post_delete], sender=ServiceSettings)(memo_changed)


def letter_prepare(office: Office) -> None:
    """Read what a letter of `office` needs besides its case (letterhead, today's
    signatory) before a numbering transaction, which then only writes (docs/benchmarks.md)."""
    letterhead_lines(office)
    signatory_for(office, timezone.localdate())


def letterhead_lines(office: Office) -> list[str]:
    """ServiceSettings.letterhead when the body set one, else its name and contacts."""
    memo = scope_memo(office)
    if "letterhead" not in memo:
        memo["letterhead"] = _letterhead_lines(office)
    return list(memo["letterhead"])


def _letterhead_lines(office: Office) -> list[str]:
    body = office.body
    settings_row = ServiceSettings.objects.filter(body=body).first()
    if settings_row and settings_row.letterhead.strip():
        return [line for line in settings_row.letterhead.strip().splitlines() if line.strip()]
    lines = [body.name.upper(), office.name]
    address = body.address or office.address
    if address:
        lines.append(address)
    contacts = []
    for label, value in (
        ("Telp.", body.phone or office.phone),
        ("E-mail", body.email or office.email),
        ("Laman", body.website),
    ):
        if value:
            contacts.append(f"{label} {value}")
    if contacts:
        lines.append(" · ".join(contacts))
    return lines


def snapshot(content: Content, *, office: Office, on: datetime.date, signatory: Signatory) -> dict:
    """Everything the letter's PDF shows, as it stands when the letter is numbered (stored
    on Letter.content): the PDF rendered later from it says what was true that day, even
    after the case, the office's letterhead or its appointments change."""
    return {
        "letterhead": letterhead_lines(office),
        "author": office.name,
        "title": content.title,
        "fields": [[label, value] for label, value in content.fields],
        "paragraphs": list(content.paragraphs),
        "on": on.isoformat(),
        "signatory": {"position": signatory.position, "name": signatory.name, "nip": signatory.nip},
    }


def render_pdf(frozen: dict, *, number: str) -> bytes:
    """An A4 letter from a snapshot(): letterhead, title and number, fields, paragraphs and
    the signatory."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table

    font = _pdf_font()
    normal = ParagraphStyle("normal", fontName=font, fontSize=10, leading=13)
    head = ParagraphStyle("head", parent=normal, alignment=TA_CENTER, fontSize=10)
    head_big = ParagraphStyle("head_big", parent=head, fontSize=13, leading=16)
    title_style = ParagraphStyle("title", parent=head, fontSize=12, leading=15, spaceBefore=6)
    content = Content(
        title=frozen["title"],
        fields=[tuple(pair) for pair in frozen["fields"]],
        paragraphs=frozen["paragraphs"],
    )
    signatory = Signatory(**frozen["signatory"])
    on = datetime.date.fromisoformat(frozen["on"])
    lines = frozen["letterhead"]
    story = [Paragraph("<b>" + _text(lines[0]) + "</b>", head_big)]
    story += [Paragraph(_text(line), head) for line in lines[1:]]
    story += [
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=1.2, color=colors.black),
        Spacer(1, 4 * mm),
        Paragraph("<b><u>" + _text(content.title.upper()) + "</u></b>", title_style),
        Paragraph("Nomor: " + _text(number), head),
        Spacer(1, 6 * mm),
    ]
    width = A4[0] - 40 * mm
    if content.fields:
        rows = [
            [Paragraph(_text(label), normal), Paragraph(":", normal), Paragraph(_text(v), normal)]
            for label, v in content.fields
        ]
        table = Table(rows, colWidths=[width * 0.34, 5 * mm, width * 0.66 - 5 * mm])
        table.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
        story += [table, Spacer(1, 4 * mm)]
    for paragraph in content.paragraphs:
        story += [Paragraph(_text(paragraph), normal), Spacer(1, 3 * mm)]
    story += [Spacer(1, 6 * mm)]
    sign = [tanggal(on), signatory.position, "", "", ""]
    sign.append(f"<u>{_text(signatory.name)}</u>" if signatory.name else "")
    if signatory.nip:
        sign.append("NIP " + _text(signatory.nip))
    sign_block = Table(
        [[""] + [Paragraph(s if s.startswith("<u>") else _text(s), normal)] for s in sign],
        colWidths=[width * 0.5, width * 0.5],
    )
    story.append(sign_block)

    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{content.title} {number}",
        author=frozen["author"],
    ).build(story)
    return out.getvalue()


# --- the service ------------------------------------------------------------------------


def letter_create(
    request: InformationRequest, kind: str, *, actor=None, objection: Objection | None = None
) -> Letter:
    """Number one letter (§15) and freeze what it says, in the caller's transaction; the
    PDF is rendered on first use (letter_file).

    Raises ValidationError when the case has nothing to print for that kind yet (no sent
    notice, no extension, no decision ...), so the step that called it rolls back.
    """
    try:
        kind = Letter.Kind(kind)
    except ValueError:
        raise ValidationError(_("Unknown letter kind.")) from None
    if kind in OBJECTION_KINDS and objection is None:
        raise ValidationError(_("This letter needs the objection it is about."))
    office = objection.number_office if objection is not None else request.office
    on = timezone.localdate()
    content = BUILDERS[kind](request, objection=objection)
    signatory = content.signatory or signatory_for(
        office, on, atasan=kind == Letter.Kind.OBJECTION_DECISION
    )
    seq = next_number(f"letter:{office.pk}:{kind}", on.year)
    number = f"{seq:03d}/{KIND_CODES[kind]}/PPID-{office_code(office)}/{on.year}"
    letter = Letter(
        request=request,
        objection=objection,
        kind=kind,
        number=number,
        content=snapshot(content, office=office, on=on, signatory=signatory),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    letter.save()
    return letter


def letter_file(letter: Letter):
    """The letter's PDF file, rendered from its snapshot on first use and kept.

    Rendering (reportlab, about 25 ms) happens outside the step that numbered the letter:
    a submission holds its office's number series locked until it commits, and rendering
    there capped the submissions per second (docs/benchmarks.md)."""
    if letter.file:
        return letter.file
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if not locked.file:
            pdf = render_pdf(locked.content, number=locked.number)
            locked.file.save(f"{locked.kind}.pdf", ContentFile(pdf), save=False)
            Letter.objects.filter(pk=locked.pk).update(file=locked.file.name)
    letter.file = locked.file
    return letter.file
