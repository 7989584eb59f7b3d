# ruff: noqa: E501 - data tables read best one row a line
"""Kalteng demo data bank (issue 4 §4): datasets of real provincial agencies (kalteng.md §2),
each with a CSV or XLSX file generated at load time and read into the datastore, so every
one previews with a chart.

Everything is marked: is_demo=True and "data demo" in every description. Where kalteng.md
gives a real figure it is used and its source named in the notes; every other figure is
invented, and the notes say which. Loaded by `manage.py load_demo` (registry's command), in
its transaction; a second run changes nothing.
"""

import csv
import datetime
import hashlib
import importlib
import io
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.utils import timezone

from ppid.organizations import demo as org_demo
from ppid.organizations.models import Office, Role

from . import services
from .models import Dataset, Group, Indicator, Resource, Tag, dataset_insert

LOADER = "load_demo"
DEMO_MARK = "data demo"
WALIDATA = "Diskominfosantik Provinsi Kalimantan Tengah (walidata Satu Data Kalteng)"

# The 14 regencies and the city, in BPS order, with their Kemendagri codes (kalteng.md §1).
AREAS = [(r.name, r.kemendagri) for r in org_demo.REGIONS]
SHORT = {r.name: r.short_name for r in org_demo.REGIONS}

# kalteng.md §4.1: SP2020 totals (Barito Timur derived there as province minus the others:
# unverified; Palangka Raya published rounded to hundreds).
SP2020 = {
    "Kotawaringin Barat": 270388, "Kotawaringin Timur": 428895, "Kapuas": 410446,
    "Barito Selatan": 131140, "Barito Utara": 154812, "Sukamara": 63464, "Lamandau": 97611,
    "Seruyan": 162906, "Katingan": 162222, "Pulang Pisau": 134499, "Gunung Mas": 135373,
    "Barito Timur": 113200, "Murung Raya": 111527, "Palangka Raya": 293500,
}  # fmt: skip
# Sex ratio (men per 100 women): Lamandau 114 and Palangka Raya 101 are BPS 2024 figures
# (kalteng.md §4.1); the others are invented between them.
SEX_RATIO = {
    "Kotawaringin Barat": 108, "Kotawaringin Timur": 109, "Kapuas": 105, "Barito Selatan": 104,
    "Barito Utara": 106, "Sukamara": 110, "Lamandau": 114, "Seruyan": 112, "Katingan": 110,
    "Pulang Pisau": 106, "Gunung Mas": 109, "Barito Timur": 104, "Murung Raya": 111,
    "Palangka Raya": 101,
}  # fmt: skip
# Percentage of poor people. 2024: Seruyan 7.08, Barito Timur 6.66, Murung Raya 6.58 and
# Palangka Raya 3.52 are reported figures (kalteng.md §4.4); every other value is invented.
POVERTY = {
    "Kotawaringin Barat": (4.10, 4.02, 3.95), "Kotawaringin Timur": (5.95, 5.88, 5.79),
    "Kapuas": (5.20, 5.11, 5.05), "Barito Selatan": (4.62, 4.55, 4.49),
    "Barito Utara": (5.12, 5.03, 4.98), "Sukamara": (3.71, 3.66, 3.60),
    "Lamandau": (3.92, 3.85, 3.80), "Seruyan": (7.35, 7.21, 7.08),
    "Katingan": (5.58, 5.47, 5.40), "Pulang Pisau": (5.01, 4.93, 4.87),
    "Gunung Mas": (5.30, 5.22, 5.14), "Barito Timur": (6.92, 6.80, 6.66),
    "Murung Raya": (6.85, 6.71, 6.58), "Palangka Raya": (3.71, 3.60, 3.52),
}  # fmt: skip
# IPM 2024: Palangka Raya 82.20 is reported (kalteng.md §4.3); the rest are invented within
# the "tinggi" band that kalteng.md says all 13 regencies are in.
IPM_2024 = {
    "Kotawaringin Barat": 74.52, "Kotawaringin Timur": 73.61, "Kapuas": 71.34,
    "Barito Selatan": 73.05, "Barito Utara": 73.88, "Sukamara": 72.40, "Lamandau": 72.95,
    "Seruyan": 70.62, "Katingan": 71.12, "Pulang Pisau": 71.48, "Gunung Mas": 73.70,
    "Barito Timur": 73.24, "Murung Raya": 70.15, "Palangka Raya": 82.20,
}  # fmt: skip
# kalteng.md §4.5: a complete, sourced table.
KECAMATAN = {
    "Kapuas": 17, "Kotawaringin Timur": 17, "Katingan": 13, "Gunung Mas": 12,
    "Barito Timur": 10, "Murung Raya": 10, "Seruyan": 10, "Barito Utara": 9,
    "Pulang Pisau": 8, "Lamandau": 8, "Kotawaringin Barat": 6, "Barito Selatan": 6,
    "Sukamara": 5, "Palangka Raya": 5,
}  # fmt: skip


def _invented(name: str, low: int, high: int, salt: int) -> int:
    """A stable invented figure between low and high, different per area and column."""
    value = sum(ord(c) * (i + 1) for i, c in enumerate(name)) * (salt * 7919 + 13)
    return low + value % (high - low + 1)


def _population_rows():
    rows = [["kabupaten_kota", "kode_wilayah", "laki_laki", "perempuan", "jumlah"]]
    for name, code in AREAS:
        short = SHORT[name]
        total = SP2020[short]
        men = round(total * SEX_RATIO[short] / (100 + SEX_RATIO[short]))
        rows.append([name, code, men, total - men, total])
    return rows


def _poverty_rows():
    rows = [["kabupaten_kota", "kode_wilayah", "persen_2022", "persen_2023", "persen_2024"]]
    for name, code in AREAS:
        rows.append([name, code, *POVERTY[SHORT[name]]])
    return rows


def _ipm_rows():
    rows = [["kabupaten_kota", "kode_wilayah", "ipm_2024", "kategori"]]
    for name, code in AREAS:
        value = IPM_2024[SHORT[name]]
        rows.append([name, code, value, "sangat tinggi" if value >= 80 else "tinggi"])
    return rows


def _school_rows():
    rows = [["kabupaten_kota", "kode_wilayah", "sd", "smp", "sma", "smk"]]
    for name, code in AREAS:
        scale = SP2020[SHORT[name]] / 1000
        rows.append([
            name, code,
            int(scale * 0.62) + _invented(name, 5, 40, 1),
            int(scale * 0.22) + _invented(name, 2, 15, 2),
            int(scale * 0.07) + _invented(name, 1, 8, 3),
            int(scale * 0.05) + _invented(name, 1, 6, 4),
        ])  # fmt: skip
    return rows


def _health_rows():
    rows = [
        [
            "kabupaten_kota",
            "kode_wilayah",
            "rumah_sakit",
            "puskesmas",
            "puskesmas_pembantu",
            "klinik_pratama",
        ]
    ]
    for name, code in AREAS:
        scale = SP2020[SHORT[name]] / 1000
        rows.append([
            name, code,
            1 + int(scale / 90) + _invented(name, 0, 2, 5),
            KECAMATAN[SHORT[name]] + _invented(name, 0, 6, 6),
            int(scale * 0.25) + _invented(name, 3, 20, 7),
            int(scale * 0.04) + _invented(name, 0, 9, 8),
        ])  # fmt: skip
    return rows


def _road_rows():
    # Invented: lengths in km by road status and condition.
    return [
        ["status_jalan", "baik_km", "sedang_km", "rusak_ringan_km", "rusak_berat_km"],
        ["Jalan nasional", 1486.2, 412.5, 168.9, 95.4],
        ["Jalan provinsi", 1021.7, 563.8, 290.3, 247.6],
        ["Jalan kabupaten/kota", 4810.4, 3122.9, 2054.1, 2987.5],
    ]


def _rice_rows():
    rows = [
        [
            "kabupaten_kota",
            "kode_wilayah",
            "luas_panen_ha",
            "produksi_ton",
            "produktivitas_ku_per_ha",
        ]
    ]
    for name, code in AREAS:
        area = _invented(name, 900, 42000, 9) if SHORT[name] != "Palangka Raya" else 310
        productivity = _invented(name, 280, 420, 10) / 10
        rows.append([name, code, area, round(area * productivity / 10), productivity])
    return rows


def _kecamatan_rows():
    rows = [["kabupaten_kota", "kode_wilayah", "jumlah_kecamatan"]]
    for name, code in AREAS:
        rows.append([name, code, KECAMATAN[SHORT[name]]])
    return rows


def _immunisation_rows():
    rows = [["kabupaten_kota", "kode_wilayah", "sasaran_bayi", "imunisasi_dasar_lengkap"]]
    for name, code in AREAS:
        babies = int(SP2020[SHORT[name]] * 0.017)
        rows.append([name, code, babies, int(babies * _invented(name, 78, 97, 11) / 100)])
    return rows


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, sheet: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Spec:
    name: str
    title: str
    agency: str  # body slug of the producing agency
    groups: list[str]
    tags: list[str]
    notes: str
    rows: object  # callable giving the table
    file_name: str
    fields: dict = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    status: str = Dataset.Status.PUBLISHED


SPECS = [
    Spec(
        "penduduk-kabupaten-kota-jenis-kelamin-2020",
        "Jumlah Penduduk menurut Kabupaten/Kota dan Jenis Kelamin, Kalimantan Tengah 2020",
        "disdukcapil-kalteng", ["kependudukan"], ["penduduk", "jenis kelamin", "sensus penduduk"],
        "Data demo. Jumlah penduduk tiap kabupaten/kota adalah hasil Sensus Penduduk 2020 (SP2020) "
        "sebagaimana dipublikasikan (Barito Timur diturunkan dari total provinsi, belum diverifikasi; "
        "Palangka Raya dibulatkan ke ratusan). Pembagian laki-laki/perempuan dikarang untuk demo dari "
        "rasio jenis kelamin (Lamandau 114 dan Palangka Raya 101 adalah angka BPS 2024; lainnya dikarang).",
        _population_rows, "penduduk_kabkota_jenis_kelamin_2020.csv",
        {"tahun_data": 2020, "periode": "September 2020", "frekuensi": "tidak_tetap", "satuan": "jiwa",
         "tingkat_penyajian": "kabupaten-kota", "kode_wilayah": "62", "pembina_data": "BPS",
         "sumber_data": "Sensus Penduduk 2020 (BPS)", "kegiatan_statistik": "Sensus Penduduk 2020",
         "konsep": "Penduduk adalah semua orang yang berdomisili di wilayah Indonesia selama 1 tahun atau lebih.",
         "klasifikasi_penyajian": "Kabupaten/kota; jenis kelamin"},
        [{"name": "Jumlah penduduk", "unit": "jiwa", "definition": "Banyaknya penduduk yang berdomisili di wilayah itu."},
         {"name": "Rasio jenis kelamin", "unit": "laki-laki per 100 perempuan", "formula": "laki_laki / perempuan × 100"}],
    ),
    Spec(
        "persentase-penduduk-miskin-kabupaten-kota-2022-2024",
        "Persentase Penduduk Miskin menurut Kabupaten/Kota, 2022–2024",
        "bapperida-kalteng", ["sosial"], ["kemiskinan", "penduduk miskin"],
        "Data demo. Angka 2024 untuk Seruyan (7,08), Barito Timur (6,66), Murung Raya (6,58) dan "
        "Kota Palangka Raya (3,52) adalah angka yang dilaporkan (BPS); semua angka lain dikarang untuk demo. "
        "Tingkat provinsi: 5,17 % (Maret 2024) dan 5,26 % (September 2024).",
        _poverty_rows, "persentase_penduduk_miskin_2022_2024.xlsx",
        {"tahun_data": 2024, "periode": "2022–2024", "frekuensi": "tahunan", "satuan": "persen",
         "tingkat_penyajian": "kabupaten-kota", "kode_wilayah": "62", "pembina_data": "BPS",
         "sumber_data": "Survei Sosial Ekonomi Nasional (Susenas), BPS",
         "definisi": "Persentase penduduk yang pengeluaran per kapita per bulannya di bawah garis kemiskinan.",
         "metode_perhitungan": "Jumlah penduduk miskin / jumlah penduduk × 100",
         "interpretasi": "Makin tinggi persentase, makin banyak penduduk di bawah garis kemiskinan."},
        [{"name": "Persentase penduduk miskin (P0)", "unit": "persen", "formula": "penduduk miskin / penduduk × 100"}],
    ),
    Spec(
        "indeks-pembangunan-manusia-kabupaten-kota-2024",
        "Indeks Pembangunan Manusia (IPM) menurut Kabupaten/Kota, 2024",
        "bapperida-kalteng", ["pembangunan-manusia"], ["ipm", "pembangunan manusia"],
        "Data demo. IPM Kota Palangka Raya 2024 (82,20) adalah angka yang dilaporkan; angka kabupaten "
        "lainnya dikarang untuk demo dalam rentang kategori \"tinggi\". IPM Provinsi 2024: 74,28 (seri revisi).",
        _ipm_rows, "ipm_kabupaten_kota_2024.xlsx",
        {"tahun_data": 2024, "frekuensi": "tahunan", "satuan": "indeks", "tingkat_penyajian": "kabupaten-kota",
         "kode_wilayah": "62", "pembina_data": "BPS", "sumber_data": "BPS Provinsi Kalimantan Tengah",
         "konsep": "IPM mengukur capaian umur panjang dan sehat, pengetahuan, dan standar hidup layak.",
         "klasifikasi_penyajian": "Rendah (<60), sedang (60–70), tinggi (70–80), sangat tinggi (≥80)"},
        [{"name": "Indeks Pembangunan Manusia", "unit": "indeks",
          "formula": "akar pangkat tiga dari (indeks kesehatan × indeks pendidikan × indeks pengeluaran) × 100"}],
    ),
    Spec(
        "jumlah-sekolah-kabupaten-kota-2024",
        "Jumlah Sekolah menurut Jenjang dan Kabupaten/Kota, 2024",
        "disdik-kalteng", ["pendidikan"], ["sekolah", "pendidikan dasar", "pendidikan menengah"],
        "Data demo. Semua angka dikarang untuk demo (disusun sebanding dengan jumlah penduduk); "
        "bukan data resmi Dinas Pendidikan.",
        _school_rows, "jumlah_sekolah_2024.csv",
        {"tahun_data": 2024, "frekuensi": "tahunan", "satuan": "unit sekolah",
         "tingkat_penyajian": "kabupaten-kota", "kode_wilayah": "62", "sumber_data": "Data Pokok Pendidikan (Dapodik)"},
    ),
    Spec(
        "jumlah-fasilitas-kesehatan-kabupaten-kota-2024",
        "Jumlah Fasilitas Kesehatan menurut Jenis dan Kabupaten/Kota, 2024",
        "dinkes-kalteng", ["kesehatan"], ["fasilitas kesehatan", "puskesmas", "rumah sakit"],
        "Data demo. Semua angka dikarang untuk demo (puskesmas disusun dari jumlah kecamatan yang "
        "sebenarnya); bukan data resmi Dinas Kesehatan.",
        _health_rows, "fasilitas_kesehatan_2024.csv",
        {"tahun_data": 2024, "frekuensi": "tahunan", "satuan": "unit", "tingkat_penyajian": "kabupaten-kota",
         "kode_wilayah": "62", "sumber_data": "Profil Kesehatan Provinsi Kalimantan Tengah"},
    ),
    Spec(
        "kondisi-jalan-menurut-status-2024",
        "Panjang Jalan menurut Status dan Kondisi, Kalimantan Tengah 2024",
        "pupr-kalteng", ["infrastruktur"], ["jalan", "kondisi jalan"],
        "Data demo. Semua angka dikarang untuk demo; bukan data resmi Dinas PUPR.",
        _road_rows, "kondisi_jalan_2024.csv",
        {"tahun_data": 2024, "frekuensi": "tahunan", "satuan": "km", "tingkat_penyajian": "provinsi",
         "kode_wilayah": "62", "klasifikasi_penyajian": "Status jalan; kondisi (baik, sedang, rusak ringan, rusak berat)"},
    ),
    Spec(
        "produksi-padi-kabupaten-kota-2024",
        "Luas Panen dan Produksi Padi menurut Kabupaten/Kota, 2024",
        "dtphp-kalteng", ["pertanian"], ["padi", "tanaman pangan", "produksi"],
        "Data demo. Semua angka dikarang untuk demo; bukan data resmi Dinas TPHP.",
        _rice_rows, "produksi_padi_2024.xlsx",
        {"tahun_data": 2024, "frekuensi": "tahunan", "satuan": "ton gabah kering giling",
         "tingkat_penyajian": "kabupaten-kota", "kode_wilayah": "62", "pembina_data": "BPS",
         "metode_perhitungan": "Produksi = luas panen × produktivitas"},
        [{"name": "Produktivitas padi", "unit": "kuintal per hektare", "formula": "produksi / luas panen"}],
    ),
    Spec(
        "jumlah-kecamatan-kabupaten-kota",
        "Jumlah Kecamatan menurut Kabupaten/Kota",
        "biro-pemotda-kalteng", ["pemerintahan", "geospasial"], ["kecamatan", "wilayah administrasi"],
        "Data demo, dari angka yang dipublikasikan: 136 kecamatan di 13 kabupaten dan 1 kota "
        "(sumber per baris di dokumen referensi kalteng.md §4.5).",
        _kecamatan_rows, "jumlah_kecamatan.csv",
        {"tahun_data": 2024, "frekuensi": "tidak_tetap", "satuan": "kecamatan",
         "tingkat_penyajian": "kabupaten-kota", "kode_wilayah": "62"},
    ),
    Spec(
        "cakupan-imunisasi-dasar-lengkap-2024",
        "Cakupan Imunisasi Dasar Lengkap menurut Kabupaten/Kota, 2024",
        "dinkes-kalteng", ["kesehatan"], ["imunisasi", "bayi"],
        "Data demo, menunggu verifikasi walidata. Semua angka dikarang untuk demo.",
        _immunisation_rows, "imunisasi_dasar_lengkap_2024.csv",
        {"tahun_data": 2024, "frekuensi": "tahunan", "satuan": "bayi", "tingkat_penyajian": "kabupaten-kota",
         "kode_wilayah": "62"},
        status=Dataset.Status.SUBMITTED,
    ),
]  # fmt: skip


def _ensure_lists() -> None:
    """The licence list and the themes come from a data migration. A database emptied since
    (`manage.py flush`, the test suite's transactional tests) lacks them: seed them again,
    the migration's own idempotent way."""
    migration = importlib.import_module("ppid.databank.migrations.0002_seed_licences_groups")
    migration.seed(django_apps, None)


def load_databank(*, orgs: "org_demo.OrgResult") -> Counter:
    """Create whatever part of the demo data bank is missing; change nothing else."""
    created: Counter = Counter()
    existing = set(
        Dataset.objects.filter(name__in=[s.name for s in SPECS]).values_list("name", flat=True)
    )
    missing = [s for s in SPECS if s.name not in existing]
    if not missing:
        return created
    offices = {
        o.body.slug: o
        for o in Office.objects.select_related("body").filter(
            slug__in=[org_demo.office_slug(s.agency) for s in missing]
        )
    }
    producer = orgs.officers.get(Role.DATA_PRODUCER)
    walidata = orgs.officers.get(Role.WALIDATA)
    _ensure_lists()
    groups = {g.name: g for g in Group.objects.all()}
    now = timezone.now()
    for number, spec in enumerate(missing):
        office = offices[spec.agency]
        # The demo producer account works at the Dinkes; other agencies' datasets are
        # recorded as loaded (no actor).
        actor = producer if office.slug == org_demo.office_slug("dinkes-kalteng") else None
        moment = now - datetime.timedelta(days=30 - number)
        dataset = Dataset(
            name=spec.name, title=spec.title, notes=spec.notes, organization=office.body,
            office=office, walidata=WALIDATA, author=office.body.name,
            maintainer="Walidata Satu Data Kalimantan Tengah", is_demo=True, created_by=actor,
            created_at=moment, modified_at=moment, **spec.fields,
        )  # fmt: skip
        dataset_insert(dataset)
        dataset.groups.set([groups[g] for g in spec.groups])
        dataset.tags.set([Tag.objects.get_or_create(name=t)[0] for t in spec.tags])
        Indicator.objects.bulk_create(
            [Indicator(dataset=dataset, position=i, **row) for i, row in enumerate(spec.indicators)]
        )
        services._record(dataset=dataset, action="created", actor=actor,
                         actor_role=Role.DATA_PRODUCER.value, reason=LOADER)  # fmt: skip
        rows = spec.rows()
        if spec.file_name.endswith(".xlsx"):
            content, fmt = xlsx_bytes(rows, spec.name), "XLSX"
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, fmt, mimetype = csv_bytes(rows), "CSV", "text/csv"
        resource = Resource(
            dataset=dataset, position=1, name=spec.title, format=fmt, mimetype=mimetype,
            description="Berkas data demo, dibuat saat data demo dimuat.",
            size=len(content), hash=f"sha256:{hashlib.sha256(content).hexdigest()}",
            datastore_status=Resource.Datastore.PENDING, created_at=moment, modified_at=moment,
        )  # fmt: skip
        resource.file.save(spec.file_name, ContentFile(content), save=False)
        resource.save()
        services._record(dataset=dataset, action="resource_added", actor=actor,
                         actor_role=Role.DATA_PRODUCER.value, reason=LOADER,
                         changes={"resource": str(resource.pk), "name": resource.name,
                                  "format": fmt, "hash": resource.hash})  # fmt: skip
        services._record(dataset=dataset, action="submitted", actor=actor,
                         actor_role=Role.DATA_PRODUCER.value, reason=LOADER)  # fmt: skip
        dataset.status = Dataset.Status.SUBMITTED
        if spec.status == Dataset.Status.PUBLISHED:
            services._record(dataset=dataset, action="verified", actor=walidata,
                             actor_role=Role.WALIDATA.value, reason=LOADER)  # fmt: skip
            services._record(dataset=dataset, action="published", actor=walidata,
                             actor_role=Role.WALIDATA.value, reason=LOADER)  # fmt: skip
            dataset.status = Dataset.Status.PUBLISHED
            dataset.published_at = moment
        dataset.save(update_fields=["status", "published_at"])
        services.dataset_reindex(dataset=dataset)
        created["datasets"] += 1
        created["dataset_resources"] += 1
        services.resource_ingest_run(resource_id=str(resource.pk))
    return created
