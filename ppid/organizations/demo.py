# ruff: noqa: E501 - reference tables read best one row a line
"""Central Kalimantan demo organisations: the province and its PPID Utama, its regional
agencies (OPD) with their PPID Pelaksana, the 14 regencies and city, vertical agencies, and
one demo officer per role. Names, codes and coordinates are the real ones from
shared/docs/kalteng.md (sections 0-3, 5); what is invented (officer names, SK numbers) says
DEMO. Loading is idempotent: records are looked up by slug or username and never changed.
"""

import datetime
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model

from .models import Appointment, Body, Office, Role

PROVINCE_SLUG = "pemprov-kalteng"
UTAMA_SLUG = "ppid-utama-kalteng"
DEMO_EMAIL_DOMAIN = "demo.ppid.invalid"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD_FILE = "demo-admin-password.txt"  # noqa: S105 - a file name


@dataclass(frozen=True)
class Agency:
    """A provincial regional agency (OPD). `group` picks the item templates in registry.demo."""

    slug: str
    name: str
    short_name: str
    group: str
    website: str = ""


@dataclass(frozen=True)
class Region:
    """A regency or the city. Codes and coordinates marked (unverified) in kalteng.md §1
    follow the documented pattern; they are stored as found there."""

    slug: str
    name: str
    short_name: str
    capital: str
    bps: str
    kemendagri: str
    latitude: str
    longitude: str

    @property
    def code(self) -> str:
        return f"BPS {self.bps} / Kemendagri {self.kemendagri}"


@dataclass(frozen=True)
class Vertical:
    slug: str
    name: str
    short_name: str
    website: str = ""
    address: str = ""


PROVINCE = {
    "slug": PROVINCE_SLUG,
    "name": "Pemerintah Provinsi Kalimantan Tengah",
    "short_name": "Pemprov Kalteng",
    "code": "BPS 62 / Kemendagri 62",
    "address": "Kota Palangka Raya",
    "website": "https://kalteng.go.id",
    # The capital's point (kalteng.md §1, Kota Palangka Raya).
    "latitude": Decimal("-2.210"),
    "longitude": Decimal("113.920"),
}

# The PPID Utama sits in Diskominfosantik (kalteng.md §5.1); the latest decree on the PPID
# found is Kepgub 188.44/379/2016 (later decrees not found, so no date is stored).
UTAMA = {
    "name": "PPID Utama Provinsi Kalimantan Tengah (Diskominfosantik)",
    "sk_number": "Kepgub Kalteng 188.44/379/2016",
}

_P = "Provinsi Kalimantan Tengah"

# kalteng.md §2: Setda, 9 biro, Setwan, Inspektorat, the dinas and Satpol PP, 8 badan, 2 RSUD.
# The biro are units of the Setda; each keeps its own PPID Pelaksana as on ppid.kalteng.go.id.
AGENCIES: list[Agency] = [
    Agency(
        "setda-kalteng", f"Sekretariat Daerah {_P}", "Setda", "setda", "https://setda.kalteng.go.id"
    ),
    Agency("setwan-kalteng", f"Sekretariat DPRD {_P}", "Setwan", "setwan"),
    Agency("inspektorat-kalteng", f"Inspektorat {_P}", "Inspektorat", "inspektorat"),
    Agency(
        "biro-pemotda-kalteng",
        "Biro Pemerintahan dan Otonomi Daerah Setda " + _P,
        "Biro Pemotda",
        "biro",
    ),
    Agency("biro-hukum-kalteng", "Biro Hukum Setda " + _P, "Biro Hukum", "biro_hukum"),
    Agency("biro-kesra-kalteng", "Biro Kesejahteraan Rakyat Setda " + _P, "Biro Kesra", "biro"),
    Agency(
        "biro-perekonomian-kalteng", "Biro Perekonomian Setda " + _P, "Biro Perekonomian", "biro"
    ),
    Agency("biro-adpem-kalteng", "Biro Administrasi Pembangunan Setda " + _P, "Biro Adpem", "biro"),
    Agency(
        "biro-pbj-kalteng", "Biro Pengadaan Barang dan Jasa Setda " + _P, "Biro PBJ", "biro_pbj"
    ),
    Agency(
        "biro-organisasi-kalteng",
        "Biro Organisasi Setda " + _P,
        "Biro Organisasi",
        "biro",
        "https://biroorganisasi.kalteng.go.id",
    ),  # fmt: skip
    Agency("biro-umum-kalteng", "Biro Umum Setda " + _P, "Biro Umum", "biro"),
    Agency(
        "biro-adpim-kalteng",
        "Biro Administrasi Pimpinan Setda " + _P,
        "Biro Adpim",
        "biro",
        "https://biroadpim.kalteng.go.id",
    ),  # fmt: skip
    Agency("disdik-kalteng", f"Dinas Pendidikan {_P}", "Disdik", "disdik"),
    Agency("dinkes-kalteng", f"Dinas Kesehatan {_P}", "Dinkes", "dinkes"),
    Agency("pupr-kalteng", f"Dinas Pekerjaan Umum dan Penataan Ruang {_P}", "Dinas PUPR", "pupr"),
    Agency(
        "disperkimtan-kalteng",
        f"Dinas Perumahan, Kawasan Permukiman dan Pertanahan {_P}",
        "Disperkimtan",
        "dinas",
        "https://disperkimtan.kalteng.go.id",
    ),  # fmt: skip
    Agency("satpolpp-kalteng", f"Satuan Polisi Pamong Praja {_P}", "Satpol PP", "satpol"),
    Agency("dinsos-kalteng", f"Dinas Sosial {_P}", "Dinsos", "dinsos"),
    Agency(
        "disnakertrans-kalteng",
        f"Dinas Tenaga Kerja dan Transmigrasi {_P}",
        "Disnakertrans",
        "dinas",
    ),
    Agency(
        "dp3appkb-kalteng",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian "
        f"Penduduk dan Keluarga Berencana {_P}",
        "DP3APPKB",
        "dinas",
    ),  # fmt: skip
    Agency("dkp-kalteng", f"Dinas Ketahanan Pangan {_P}", "DKP", "dinas"),
    Agency("dlh-kalteng", f"Dinas Lingkungan Hidup {_P}", "DLH", "dlh"),
    Agency(
        "disdukcapil-kalteng",
        f"Dinas Kependudukan dan Pencatatan Sipil {_P}",
        "Disdukcapil",
        "dinas",
    ),
    Agency("dpmd-kalteng", f"Dinas Pemberdayaan Masyarakat dan Desa {_P}", "DPMD", "dinas"),
    Agency("dishub-kalteng", f"Dinas Perhubungan {_P}", "Dishub", "dishub"),
    Agency(
        "diskominfosantik-kalteng",
        f"Dinas Komunikasi, Informatika, Persandian dan Statistik {_P}",
        "Diskominfosantik",
        "kominfo",
    ),  # fmt: skip
    Agency(
        "diskopukm-kalteng",
        f"Dinas Koperasi, Usaha Kecil dan Menengah {_P}",
        "Diskop UKM",
        "dinas",
        "https://diskopukm.kalteng.go.id",
    ),  # fmt: skip
    Agency(
        "dpmptsp-kalteng",
        f"Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {_P}",
        "DPMPTSP",
        "dpmptsp",
    ),  # fmt: skip
    Agency(
        "dispora-kalteng",
        f"Dinas Pemuda dan Olahraga {_P}",
        "Dispora",
        "dinas",
        "https://dispora.kalteng.go.id",
    ),  # fmt: skip
    Agency("disbudpar-kalteng", f"Dinas Kebudayaan dan Pariwisata {_P}", "Disbudpar", "dinas"),
    Agency("dispursip-kalteng", f"Dinas Perpustakaan dan Arsip Daerah {_P}", "Dispursip", "dinas"),
    Agency("dislutkan-kalteng", f"Dinas Kelautan dan Perikanan {_P}", "Dislutkan", "dinas"),
    Agency(
        "dtphp-kalteng",
        f"Dinas Tanaman Pangan, Hortikultura dan Peternakan {_P}",
        "DTPHP",
        "dinas",
        "https://dtphp.kalteng.go.id",
    ),  # fmt: skip
    Agency("disbun-kalteng", f"Dinas Perkebunan {_P}", "Disbun", "dinas"),
    Agency(
        "dishut-kalteng",
        f"Dinas Kehutanan {_P}",
        "Dishut",
        "dishut",
        "https://dishut.kalteng.go.id",
    ),
    Agency("esdm-kalteng", f"Dinas Energi dan Sumber Daya Mineral {_P}", "Dinas ESDM", "dinas"),
    Agency(
        "disdagperin-kalteng", f"Dinas Perdagangan dan Perindustrian {_P}", "Disdagperin", "dinas"
    ),
    Agency(
        "bapperida-kalteng",
        f"Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah {_P}",
        "Bapperida",
        "bapperida",
        "https://bapperida.kalteng.go.id",
    ),  # fmt: skip
    Agency("bkad-kalteng", f"Badan Keuangan dan Aset Daerah {_P}", "BKAD", "bkad"),
    Agency("bapenda-kalteng", f"Badan Pendapatan Daerah {_P}", "Bapenda", "bapenda"),
    Agency("bkd-kalteng", f"Badan Kepegawaian Daerah {_P}", "BKD", "bkd"),
    Agency("bpsdm-kalteng", f"Badan Pengembangan Sumber Daya Manusia {_P}", "BPSDM", "bpsdm"),
    Agency("kesbangpol-kalteng", f"Badan Kesatuan Bangsa dan Politik {_P}", "Kesbangpol", "dinas"),
    Agency(
        "bpbpk-kalteng",
        f"Badan Penanggulangan Bencana dan Pemadam Kebakaran {_P}",
        "BPBPK",
        "bpbpk",
    ),  # fmt: skip
    Agency("badan-penghubung-kalteng", f"Badan Penghubung {_P}", "Badan Penghubung", "dinas"),
    Agency(
        "rsud-doris-sylvanus",
        "RSUD dr. Doris Sylvanus Palangka Raya",
        "RSUD Doris Sylvanus",
        "rsud",
    ),
    Agency("rsj-kalawa-atei", "Rumah Sakit Jiwa Kalawa Atei", "RSJ Kalawa Atei", "rsud"),
]

# kalteng.md §1, in its order. Values marked (unverified) there are stored as found.
REGIONS: list[Region] = [
    Region(
        "kab-kotawaringin-barat",
        "Kabupaten Kotawaringin Barat",
        "Kotawaringin Barat",
        "Pangkalan Bun",
        "6201",
        "62.01",
        "-2.683",
        "111.617",
    ),  # fmt: skip
    Region(
        "kab-kotawaringin-timur",
        "Kabupaten Kotawaringin Timur",
        "Kotawaringin Timur",
        "Sampit",
        "6202",
        "62.02",
        "-2.533",
        "112.950",
    ),  # fmt: skip
    Region(
        "kab-kapuas",
        "Kabupaten Kapuas",
        "Kapuas",
        "Kuala Kapuas",
        "6203",
        "62.03",
        "-3.001",
        "114.392",
    ),
    Region(
        "kab-barito-selatan",
        "Kabupaten Barito Selatan",
        "Barito Selatan",
        "Buntok",
        "6204",
        "62.04",
        "-1.71",
        "114.84",
    ),  # fmt: skip
    Region(
        "kab-barito-utara",
        "Kabupaten Barito Utara",
        "Barito Utara",
        "Muara Teweh",
        "6205",
        "62.05",
        "-0.953",
        "114.898",
    ),  # fmt: skip
    Region(
        "kab-sukamara",
        "Kabupaten Sukamara",
        "Sukamara",
        "Sukamara",
        "6206",
        "62.08",
        "-2.627",
        "111.237",
    ),
    Region(
        "kab-lamandau",
        "Kabupaten Lamandau",
        "Lamandau",
        "Nanga Bulik",
        "6207",
        "62.09",
        "-1.838",
        "111.287",
    ),
    Region(
        "kab-seruyan",
        "Kabupaten Seruyan",
        "Seruyan",
        "Kuala Pembuang",
        "6208",
        "62.07",
        "-3.387",
        "112.543",
    ),
    Region(
        "kab-katingan",
        "Kabupaten Katingan",
        "Katingan",
        "Kasongan",
        "6209",
        "62.06",
        "-1.896",
        "113.388",
    ),
    Region(
        "kab-pulang-pisau",
        "Kabupaten Pulang Pisau",
        "Pulang Pisau",
        "Pulang Pisau",
        "6210",
        "62.11",
        "-2.75",
        "114.26",
    ),  # fmt: skip
    Region(
        "kab-gunung-mas",
        "Kabupaten Gunung Mas",
        "Gunung Mas",
        "Kuala Kurun",
        "6211",
        "62.10",
        "-1.102",
        "113.866",
    ),
    Region(
        "kab-barito-timur",
        "Kabupaten Barito Timur",
        "Barito Timur",
        "Tamiang Layang",
        "6212",
        "62.13",
        "-2.05",
        "115.17",
    ),  # fmt: skip
    Region(
        "kab-murung-raya",
        "Kabupaten Murung Raya",
        "Murung Raya",
        "Puruk Cahu",
        "6213",
        "62.12",
        "-0.63",
        "114.57",
    ),
    Region(
        "kota-palangka-raya",
        "Kota Palangka Raya",
        "Palangka Raya",
        "Palangka Raya",
        "6271",
        "62.71",
        "-2.210",
        "113.920",
    ),  # fmt: skip
]

# kalteng.md §3.
VERTICALS: list[Vertical] = [
    Vertical(
        "bps-kalteng",
        "Badan Pusat Statistik Provinsi Kalimantan Tengah",
        "BPS Kalteng",
        "https://kalteng.bps.go.id",
    ),  # fmt: skip
    Vertical(
        "kanwil-kemenag-kalteng",
        "Kantor Wilayah Kementerian Agama Provinsi Kalimantan Tengah",
        "Kanwil Kemenag Kalteng",
    ),  # fmt: skip
    Vertical(
        "kanwil-kemenkum-kalteng",
        "Kantor Wilayah Kementerian Hukum Kalimantan Tengah",
        "Kanwil Kemenkum Kalteng",
    ),  # fmt: skip
    Vertical("polda-kalteng", "Kepolisian Daerah Kalimantan Tengah", "Polda Kalteng"),
    Vertical("kejati-kalteng", "Kejaksaan Tinggi Kalimantan Tengah", "Kejati Kalteng"),
    Vertical(
        "kanwil-bpn-kalteng",
        "Kantor Wilayah Kementerian ATR/Badan Pertanahan Nasional Provinsi Kalimantan Tengah",
        "Kanwil BPN Kalteng",
    ),  # fmt: skip
    Vertical("kpu-kalteng", "Komisi Pemilihan Umum Provinsi Kalimantan Tengah", "KPU Kalteng"),
    Vertical(
        "bawaslu-kalteng",
        "Badan Pengawas Pemilihan Umum Provinsi Kalimantan Tengah",
        "Bawaslu Kalteng",
    ),
    Vertical(
        "ombudsman-kalteng",
        "Ombudsman Republik Indonesia Perwakilan Kalimantan Tengah",
        "Ombudsman Kalteng",
        address="Jl. H. Ikap No. 30, Palangka Raya",
    ),  # fmt: skip
    Vertical("bpkp-kalteng", "Perwakilan BPKP Provinsi Kalimantan Tengah", "BPKP Kalteng"),
    Vertical(
        "bpk-kalteng", "BPK RI Perwakilan Provinsi Kalimantan Tengah", "BPK Perwakilan Kalteng"
    ),
    Vertical("pt-palangka-raya", "Pengadilan Tinggi Palangka Raya", "PT Palangka Raya"),
    Vertical(
        "kodam-xxii-tambun-bungai", "Komando Daerah Militer XXII/Tambun Bungai", "Kodam XXII/TB"
    ),
    Vertical("korem-102-panju-panjung", "Komando Resor Militer 102/Panju Panjung", "Korem 102/PJG"),
    Vertical("bpjn-kalteng", "Balai Pelaksanaan Jalan Nasional Kalimantan Tengah", "BPJN Kalteng"),
    Vertical("bws-kalimantan-ii", "Balai Wilayah Sungai Kalimantan II", "BWS Kalimantan II"),
]

# Not a vertical agency, but listed with them (kalteng.md §3).
KI_KALTENG = Vertical("ki-kalteng", "Komisi Informasi Provinsi Kalimantan Tengah", "KI Kalteng")


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    role: str
    office_slug: str
    position: str


def office_slug(body_slug: str) -> str:
    return UTAMA_SLUG if body_slug == PROVINCE_SLUG else f"ppid-{body_slug}"


# One demo account per role (Role), each appointed where that role works in Kalteng.
DEMO_OFFICERS: list[DemoOfficer] = [
    DemoOfficer(
        "demo.atasan",
        Role.ATASAN_PPID,
        UTAMA_SLUG,
        "Sekretaris Daerah Provinsi Kalimantan Tengah (Atasan PPID)",
    ),  # fmt: skip
    DemoOfficer(
        "demo.ppid_utama",
        Role.PPID_UTAMA,
        UTAMA_SLUG,
        "Kepala Diskominfosantik Provinsi Kalimantan Tengah (PPID Utama)",
    ),  # fmt: skip
    DemoOfficer(
        "demo.pelaksana.dinkes",
        Role.PPID_PELAKSANA,
        office_slug("dinkes-kalteng"),
        "Sekretaris Dinas Kesehatan (PPID Pelaksana)",
    ),  # fmt: skip
    DemoOfficer(
        "demo.petugas_layanan",
        Role.SERVICE_DESK,
        UTAMA_SLUG,
        "Petugas Layanan Informasi PPID Utama",
    ),  # fmt: skip
    DemoOfficer(
        "demo.produsen_data",
        Role.DATA_PRODUCER,
        office_slug("dinkes-kalteng"),
        "Produsen Data Dinas Kesehatan",
    ),  # fmt: skip
    DemoOfficer(
        "demo.walidata",
        Role.WALIDATA,
        office_slug("diskominfosantik-kalteng"),
        "Walidata Satu Data Kalimantan Tengah, Diskominfosantik",
    ),  # fmt: skip
    DemoOfficer(
        "demo.editor",
        Role.EDITOR,
        office_slug("diskominfosantik-kalteng"),
        "Redaktur Multimedia Center (MMC) Kalteng",
    ),  # fmt: skip
    DemoOfficer(
        "demo.evaluator",
        Role.EVALUATOR,
        UTAMA_SLUG,
        "Tim Monitoring dan Evaluasi Keterbukaan Informasi Publik",
    ),  # fmt: skip
    DemoOfficer(
        "demo.operator_cc",
        Role.CC_OPERATOR,
        office_slug("diskominfosantik-kalteng"),
        "Operator Command Center Diskominfosantik",
    ),  # fmt: skip
    DemoOfficer("demo.pimpinan", Role.LEADER, UTAMA_SLUG, "Pimpinan Daerah (dasbor baca-saja)"),
]
APPOINTMENT_DATE = datetime.date(2025, 7, 1)


@dataclass
class OrgResult:
    province: Body
    utama: Office
    officers: dict[str, object]  # role -> user
    created: Counter = field(default_factory=Counter)
    passwords: dict[str, str] = field(default_factory=dict)  # username -> new password


def _body(created: Counter, slug: str, **fields) -> Body:
    body, made = Body.objects.get_or_create(slug=slug, defaults={**fields, "is_demo": True})
    created["bodies"] += made
    return body


def _office(created: Counter, slug: str, **fields) -> Office:
    office, made = Office.objects.get_or_create(slug=slug, defaults={**fields, "is_demo": True})
    created["offices"] += made
    return office


class NotADemoDatabase(Exception):
    """The database already holds real records under the demo's slugs."""


def body_slugs() -> list[str]:
    return (
        [PROVINCE_SLUG]
        + [a.slug for a in AGENCIES]
        + [r.slug for r in REGIONS]
        + [v.slug for v in [*VERTICALS, KI_KALTENG]]
    )


def _refuse_real_records() -> None:
    """Demo records are found again by slug; a real body or office under one of those slugs
    must never receive demo children or items."""
    slugs = body_slugs()
    real = list(Body.objects.filter(slug__in=slugs, is_demo=False).values_list("slug", flat=True))
    real += Office.objects.filter(
        slug__in=[office_slug(s) for s in slugs], is_demo=False
    ).values_list("slug", flat=True)
    if real:
        raise NotADemoDatabase(
            "Records that are not demo data use the demo's slugs: " + ", ".join(sorted(real))
        )


def load_organizations(*, with_passwords: bool = False) -> OrgResult:
    """Create whatever part of the demo organisations is missing; change nothing else."""
    _refuse_real_records()
    created: Counter = Counter()
    province = _body(created, kind=Body.Kind.PROVINCE, **PROVINCE)
    utama = _office(created, UTAMA_SLUG, body=province, kind=Office.Kind.UTAMA, name=UTAMA["name"],
                    sk_number=UTAMA["sk_number"], address=PROVINCE["address"])  # fmt: skip
    for agency in AGENCIES:
        body = _body(created, agency.slug, name=agency.name, short_name=agency.short_name,
                     kind=Body.Kind.AGENCY, parent=province, website=agency.website,
                     address="Kota Palangka Raya")  # fmt: skip
        _office(created, office_slug(agency.slug), body=body, kind=Office.Kind.PELAKSANA, parent=utama,
                name=f"PPID Pelaksana {agency.name}", address="Kota Palangka Raya")  # fmt: skip
    for region in REGIONS:
        body = _body(created, region.slug, name=region.name, short_name=region.short_name,
                     kind=Body.Kind.REGENCY, code=region.code, address=region.capital,
                     latitude=Decimal(region.latitude), longitude=Decimal(region.longitude))  # fmt: skip
        _office(created, office_slug(region.slug), body=body, kind=Office.Kind.UTAMA,
                name=f"PPID Utama {region.name}", address=region.capital)  # fmt: skip
    for vertical, kind in [(v, Body.Kind.VERTICAL) for v in VERTICALS] + [
        (KI_KALTENG, Body.Kind.OTHER)
    ]:
        body = _body(created, vertical.slug, name=vertical.name, short_name=vertical.short_name,
                     kind=kind, website=vertical.website,
                     address=vertical.address or "Kota Palangka Raya")  # fmt: skip
        _office(created, office_slug(vertical.slug), body=body, kind=Office.Kind.UTAMA,
                name=f"PPID {vertical.name}", address=body.address)  # fmt: skip

    result = OrgResult(province=province, utama=utama, officers={}, created=created)
    _load_officers(result, with_passwords=with_passwords)
    return result


def _load_officers(result: OrgResult, *, with_passwords: bool) -> None:
    User = get_user_model()
    offices = {
        o.slug: o for o in Office.objects.filter(slug__in={d.office_slug for d in DEMO_OFFICERS})
    }
    for number, demo in enumerate(DEMO_OFFICERS, start=1):
        label = Role(demo.role).label
        user, made = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": "Demo",
                "last_name": f"{label} (akun demo)",
                "email": f"{demo.username}@{DEMO_EMAIL_DOMAIN}",
                "is_staff": True,
            },
        )
        result.created["users"] += made
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if with_passwords:
            # Asked for explicitly: a fresh password each time, since stored ones are hashes.
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            result.passwords[user.username] = password
        _, made = Appointment.objects.get_or_create(
            user=user,
            office=offices[demo.office_slug],
            role=demo.role,
            defaults={
                "person_name": f"Pengguna Demo {label} (data demo)",
                "position": demo.position,
                "sk_number": f"188.44/DEMO-{number:02d}/2025",
                "sk_date": APPOINTMENT_DATE,
                "valid_from": APPOINTMENT_DATE,
                "is_demo": True,
            },
        )
        result.created["appointments"] += made
        result.officers[demo.role] = user


@dataclass(frozen=True)
class AdminResult:
    created: bool
    password_file: Path
    password: str = ""


def demo_admin_ensure(*, var_dir: Path) -> AdminResult:
    """The demo superuser `admin`: made once with a random password kept in a file only the
    owner can read; later runs leave the account and its password alone."""
    User = get_user_model()
    path = Path(var_dir) / ADMIN_PASSWORD_FILE
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return AdminResult(created=False, password_file=path)
    password = secrets.token_urlsafe(16)
    User.objects.create_superuser(
        username=ADMIN_USERNAME, email=f"admin@{DEMO_EMAIL_DOMAIN}", password=password,
        first_name="Administrator", last_name="(akun demo)",
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created with mode 600 from the start: never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return AdminResult(created=True, password_file=path, password=password)
