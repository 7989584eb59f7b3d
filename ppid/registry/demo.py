# ruff: noqa: E501 - template tables read best one row a line
"""Kalteng demo registry: exactly 1,314 published DIP items (the count of ppid.kalteng.go.id in
May 2019, kalteng.md §5.2) with a small generated PDF each, a few DIK entries with their
consequence tests, and one established DIP for the province.

Titles are composed from templates per kind of agency, with a seeded random generator, so
every load produces the same list. Everything invented says so: summaries end with
"(data demo)", PDFs carry a DATA DEMO banner, decree numbers contain DEMO.

For speed the items are written with bulk_create rather than item_create, to the same end
state: stemmed search text, review dates from rules.py, one created+published event pair per
item, a document_added event, and the document text extracted by the real parser
(services.document_extract).
"""

import datetime
import io
import random
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from ppid.core.models import Event
from ppid.core.search import stem_text
from ppid.core.uploads import check_upload
from ppid.organizations import demo as org_demo
from ppid.organizations.models import Office, Role

from . import rules
from .models import Category, DipEstablishment, Document, ExemptEntry, InformationItem, Pasal17
from .services import ITEM_FIELDS, dip_establish, document_extract, exempt_entry_create

ITEM_COUNT = 1314  # kalteng.md §5.2: items on ppid.kalteng.go.id, May 2019
SEED = 20190525  # the day the portal's count was reported
YEARS = range(2019, 2027)
DEMO_MARK = "(data demo)"
LOADER = "load_demo"

B, M, S = Category.BERKALA, Category.SERTA_MERTA, Category.SETIAP_SAAT

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip
# Worded without "umum" stems, so only the sentence chosen by announces() makes a PDF match
# "pengumuman" through its own text.
CATEGORY_TEXT = {
    B: "Informasi berkala (UU 14/2008 Pasal 9)",
    M: "Informasi serta merta (UU 14/2008 Pasal 10)",
    S: "Informasi yang wajib tersedia setiap saat (UU 14/2008 Pasal 11)",
}


@dataclass(frozen=True)
class Template:
    """One kind of DIP row. `years`: the years it exists for (default every year 2019-2026);
    a template without {year} in its title gives one item, in its first year."""

    category: str
    title: str
    summary: str
    unit: str
    responsible: str
    retention: str = "5 tahun"
    media: str = "Dokumen elektronik (PDF) di laman PPID"
    years: tuple[int, ...] = tuple(YEARS)


def T(category, title, summary, unit="Sekretariat {short}", responsible="Kepala {short}", **kw):  # noqa: N802
    return Template(category, title, summary, unit, responsible, **kw)


_PLAN = "Subbagian Perencanaan dan Evaluasi, Sekretariat {short}"
_FIN = "Subbagian Keuangan, Sekretariat {short}"
_GEN = "Subbagian Umum dan Kepegawaian, Sekretariat {short}"
_HAZE = (2019, 2023)  # the severe haze seasons of the period

# Every provincial agency (OPD).
GENERIC = [
    T(
        B,
        "Laporan Kinerja Instansi Pemerintah (LKjIP) {agency} Tahun {year}",
        "Laporan capaian kinerja {short} Tahun {year} atas sasaran strategis dan indikator kinerja "
        "utama dalam Perjanjian Kinerja, dengan analisis keberhasilan dan kendala.",
        _PLAN,
        retention="10 tahun",
    ),
    T(
        B,
        "Rencana Kerja (Renja) {agency} Tahun {year}",
        "Program, kegiatan dan subkegiatan {short} untuk Tahun {year} beserta target kinerja dan "
        "pagu indikatif hasil penganggaran.",
        _PLAN,
        retention="10 tahun",
    ),
    T(
        B,
        "Perjanjian Kinerja {agency} Tahun {year}",
        "Perjanjian kinerja Kepala {short} dengan Gubernur Kalimantan Tengah Tahun {year}: sasaran, "
        "indikator, target dan anggaran program.",
        _PLAN,
    ),
    T(
        B,
        "Laporan Realisasi Anggaran {agency} Tahun Anggaran {year}",
        "Realisasi pendapatan dan belanja {short} Tahun Anggaran {year} dibandingkan dengan anggaran "
        "dalam APBD, per program dan kegiatan.",
        _FIN,
        "Sekretaris {short}",
        retention="10 tahun",
    ),
    T(
        B,
        "Dokumen Pelaksanaan Anggaran (DPA) {agency} Tahun Anggaran {year}",
        "Rincian belanja {short} yang disahkan sebagai dasar pelaksanaan anggaran Tahun Anggaran {year}.",
        _FIN,
        "Sekretaris {short}",
        retention="10 tahun",
    ),
    T(
        B,
        "Rencana Kerja dan Anggaran (RKA) {agency} Tahun Anggaran {year}",
        "Dokumen perencanaan dan penganggaran {short}: rencana pendapatan serta belanja program dan "
        "kegiatan Tahun Anggaran {year}.",
        _FIN,
        "Sekretaris {short}",
        retention="10 tahun",
    ),
    T(
        B,
        "Laporan Keuangan {agency} Tahun {year}",
        "Neraca, laporan operasional, laporan perubahan ekuitas dan catatan atas laporan keuangan "
        "{short} Tahun {year}.",
        _FIN,
        "Sekretaris {short}",
        retention="Permanen",
    ),
    T(
        B,
        "Laporan Layanan Informasi Publik PPID Pelaksana {short} Tahun {year}",
        "Jumlah permohonan informasi yang diterima, waktu pemenuhan, permohonan yang dikabulkan dan "
        "ditolak beserta alasannya, serta keberatan pada PPID Pelaksana {short} Tahun {year}.",
        "PPID Pelaksana {short}",
        "Sekretaris {short} selaku PPID Pelaksana",
    ),
    T(
        B,
        "Pengumuman Hasil Pemilihan Penyedia Barang/Jasa {agency} Tahun Anggaran {year}",
        "Paket pengadaan {short} Tahun Anggaran {year}, penyedia yang ditetapkan sebagai pemenang "
        "dan nilai kontraknya.",
        "Pejabat Pembuat Komitmen {short}",
        "Kepala {short} selaku Pengguna Anggaran",
    ),
    T(
        S,
        "Rencana Umum Pengadaan (RUP) {agency} Tahun Anggaran {year}",
        "Daftar rencana paket pengadaan barang/jasa {short} Tahun Anggaran {year} dengan pagu, "
        "sumber dana dan cara pengadaan.",
        "Pejabat Pembuat Komitmen {short}",
        "Kepala {short} selaku Pengguna Anggaran",
    ),
    T(
        S,
        "Daftar Pengadaan Barang dan Jasa {agency} Tahun Anggaran {year}",
        "Paket pengadaan barang/jasa {short} yang dilaksanakan pada Tahun Anggaran {year}, penyedia "
        "dan nilai kontrak.",
        "Pejabat Pembuat Komitmen {short}",
        "Kepala {short} selaku Pengguna Anggaran",
    ),
    T(
        S,
        "Daftar Informasi Publik (DIP) {agency} Tahun {year}",
        "Daftar seluruh informasi publik yang dikuasai {short} Tahun {year}, dengan ringkasan isi, "
        "penanggung jawab dan retensi arsip.",
        "PPID Pelaksana {short}",
        "Sekretaris {short} selaku PPID Pelaksana",
    ),
    T(
        S,
        "Daftar Barang Milik Daerah {agency} Tahun {year}",
        "Daftar aset tetap dan persediaan yang dikelola {short} per 31 Desember {year}.",
        _FIN,
        "Sekretaris {short}",
    ),
    T(
        S,
        "Rekapitulasi Perjalanan Dinas {agency} Tahun Anggaran {year}",
        "Rekapitulasi perjalanan dinas pegawai {short} Tahun Anggaran {year}: tujuan, lama dan biaya.",
        _FIN,
        "Sekretaris {short}",
    ),
    T(
        B,
        "Rencana Strategis (Renstra) {agency} 2021–2026",
        "Tujuan, sasaran, strategi, arah kebijakan, program dan indikator kinerja {short} periode "
        "2021–2026 yang mengacu pada RPJMD Provinsi Kalimantan Tengah.",
        _PLAN,
        retention="Permanen",
        years=(2021,),
    ),
    T(
        B,
        "Rencana Strategis (Renstra) {agency} 2025–2029",
        "Tujuan, sasaran, strategi, program dan indikator kinerja {short} periode 2025–2029 sesuai "
        "visi dan misi Gubernur dan Wakil Gubernur terpilih.",
        _PLAN,
        retention="Permanen",
        years=(2025,),
    ),
    T(
        S,
        "Profil dan Struktur Organisasi {agency}",
        "Kedudukan, tugas, fungsi, struktur organisasi, alamat dan profil singkat pejabat {short}.",
        _GEN,
        retention="Selama berlaku",
        years=(2022,),
    ),
    T(
        S,
        "Standar Operasional Prosedur (SOP) Pelayanan Informasi Publik {short}",
        "Tata cara permohonan informasi, keberatan dan penyelesaian sengketa informasi pada PPID "
        "Pelaksana {short}.",
        "PPID Pelaksana {short}",
        retention="Selama berlaku",
        years=(2020,),
    ),
    T(
        S,
        "Standar Pelayanan {agency}",
        "Persyaratan, prosedur, waktu, biaya dan produk pelayanan {short} serta penanganan pengaduan.",
        _GEN,
        retention="Selama berlaku",
        years=(2021,),
    ),
    T(
        M,
        "Pengumuman Penyesuaian Jam Layanan {short} selama Kabut Asap {year}",
        "Penyesuaian jam layanan tatap muka {short} karena kabut asap kebakaran hutan dan lahan, "
        "dengan layanan daring tetap dibuka.",
        _GEN,
        years=_HAZE,
    ),
]

# Agency-specific rows, by Agency.group.
SPECIFIC: dict[str, list[Template]] = {
    "setda": [
        T(
            B,
            "Laporan Penyelenggaraan Pemerintahan Daerah (LPPD) Provinsi Kalimantan Tengah Tahun {year}",
            "Capaian penyelenggaraan urusan pemerintahan daerah Provinsi Kalimantan Tengah Tahun {year}.",
            "Biro Pemerintahan dan Otonomi Daerah",
            "Sekretaris Daerah",
        ),
        T(
            B,
            "Ringkasan Laporan Keterangan Pertanggungjawaban (LKPJ) Gubernur Kalimantan Tengah Tahun {year}",
            "Ringkasan LKPJ Gubernur kepada DPRD atas pelaksanaan APBD dan urusan pemerintahan Tahun {year}.",
            "Biro Administrasi Pembangunan",
            "Sekretaris Daerah",
        ),
        T(
            S,
            "Agenda Kegiatan Gubernur dan Wakil Gubernur Kalimantan Tengah Tahun {year}",
            "Agenda resmi kegiatan pimpinan daerah Tahun {year} yang terbuka untuk publik.",
            "Biro Administrasi Pimpinan",
            "Sekretaris Daerah",
        ),
    ],
    "setwan": [
        T(
            S,
            "Jadwal Rapat Paripurna DPRD Provinsi Kalimantan Tengah Tahun {year}",
            "Jadwal dan agenda rapat paripurna DPRD Provinsi Kalimantan Tengah Tahun {year}.",
            "Bagian Persidangan, Setwan",
            "Sekretaris DPRD",
        ),
        T(
            B,
            "Pokok-Pokok Pikiran DPRD Provinsi Kalimantan Tengah Tahun {year}",
            "Rekapitulasi aspirasi hasil reses anggota DPRD sebagai bahan penyusunan RKPD Tahun {year}.",
            "Bagian Persidangan, Setwan",
            "Sekretaris DPRD",
        ),
    ],
    "inspektorat": [
        T(
            B,
            "Program Kerja Pengawasan Tahunan (PKPT) Inspektorat Tahun {year}",
            "Rencana audit, reviu, evaluasi dan pemantauan atas perangkat daerah Tahun {year}.",
            "Sekretariat Inspektorat",
            "Inspektur",
        ),
        T(
            B,
            "Laporan Hasil Pengawasan Inspektorat Tahun {year}",
            "Ringkasan temuan pengawasan dan status tindak lanjut rekomendasi Tahun {year}.",
            "Inspektur Pembantu Wilayah",
            "Inspektur",
        ),
    ],
    "biro_hukum": [
        T(
            S,
            "Himpunan Peraturan Daerah Provinsi Kalimantan Tengah Tahun {year}",
            "Peraturan daerah yang diundangkan pada Tahun {year} dan tersedia di JDIH.",
            "Bagian Perundang-undangan, Biro Hukum",
            "Kepala Biro Hukum",
        ),
        T(
            S,
            "Himpunan Peraturan Gubernur Kalimantan Tengah Tahun {year}",
            "Peraturan gubernur yang ditetapkan pada Tahun {year}.",
            "Bagian Perundang-undangan, Biro Hukum",
            "Kepala Biro Hukum",
        ),
        T(
            B,
            "Program Pembentukan Peraturan Daerah (Propemperda) Tahun {year}",
            "Daftar rancangan peraturan daerah yang direncanakan dibahas pada Tahun {year}.",
            "Bagian Perundang-undangan, Biro Hukum",
            "Kepala Biro Hukum",
        ),
    ],
    "biro_pbj": [
        T(
            B,
            "Pengumuman Tender Pekerjaan Konstruksi Pemerintah Provinsi Kalimantan Tengah Tahun Anggaran {year}",
            "Paket tender pekerjaan konstruksi Tahun Anggaran {year}: nilai HPS, jadwal dan syarat peserta.",
            "Bagian Pengelolaan Pengadaan, Biro PBJ",
            "Kepala Biro PBJ",
        ),
        T(
            B,
            "Rekapitulasi Hasil Tender dan Seleksi Tahun Anggaran {year}",
            "Jumlah paket, nilai pagu, nilai kontrak dan efisiensi anggaran hasil tender Tahun {year}.",
            "Bagian Pengelolaan Pengadaan, Biro PBJ",
            "Kepala Biro PBJ",
        ),
        T(
            S,
            "Daftar Hitam Penyedia Barang/Jasa Tahun {year}",
            "Penyedia yang dikenai sanksi daftar hitam pada Tahun {year} beserta masa berlakunya.",
            "Bagian Pengelolaan Pengadaan, Biro PBJ",
            "Kepala Biro PBJ",
        ),
    ],
    "disdik": [
        T(
            B,
            "Pengumuman Penerimaan Peserta Didik Baru (PPDB) SMA/SMK Negeri Tahun Ajaran {year}/{next}",
            "Jadwal, jalur, kuota dan persyaratan penerimaan peserta didik baru SMA, SMK dan SLB negeri.",
            "Bidang Pembinaan SMA",
            "Kepala Disdik",
        ),
        T(
            S,
            "Data Sekolah, Guru dan Siswa SMA/SMK/SLB Kalimantan Tengah Tahun {year}",
            "Jumlah satuan pendidikan, pendidik dan peserta didik per kabupaten/kota Tahun {year}.",
            "Subbagian Perencanaan, Disdik",
            "Kepala Disdik",
        ),
        T(
            B,
            "Penyaluran Bantuan Operasional Sekolah Daerah (BOSDA) Tahun Anggaran {year}",
            "Alokasi dan realisasi penyaluran BOSDA per sekolah Tahun Anggaran {year}.",
            "Bidang Pembinaan SMK",
            "Kepala Disdik",
        ),
    ],
    "dinkes": [
        T(
            B,
            "Profil Kesehatan Provinsi Kalimantan Tengah Tahun {year}",
            "Derajat kesehatan, sumber daya dan upaya kesehatan per kabupaten/kota Tahun {year}.",
            "Bidang Sumber Daya Kesehatan",
            "Kepala Dinkes",
        ),
        T(
            S,
            "Cakupan Imunisasi Dasar Lengkap per Kabupaten/Kota Tahun {year}",
            "Persentase bayi yang mendapat imunisasi dasar lengkap per kabupaten/kota Tahun {year}.",
            "Bidang Pencegahan dan Pengendalian Penyakit",
            "Kepala Dinkes",
        ),
        T(
            M,
            "Kewaspadaan Peningkatan Kasus Demam Berdarah Dengue (DBD) {year}",
            "Imbauan pemberantasan sarang nyamuk dan gejala yang perlu segera diperiksakan.",
            "Bidang Pencegahan dan Pengendalian Penyakit",
            "Kepala Dinkes",
            years=(2019, 2020, 2024),
        ),
        T(
            M,
            "Imbauan Kesehatan Menghadapi Kabut Asap Kebakaran Hutan dan Lahan {year}",
            "Dampak kabut asap terhadap kesehatan, penggunaan masker dan posko kesehatan yang dibuka.",
            "Bidang Kesehatan Masyarakat",
            "Kepala Dinkes",
            years=_HAZE,
        ),
        T(
            M,
            "Informasi Vaksinasi COVID-19 dan Lokasi Layanan {year}",
            "Lokasi, jadwal dan sasaran vaksinasi COVID-19 di Kalimantan Tengah.",
            "Bidang Pencegahan dan Pengendalian Penyakit",
            "Kepala Dinkes",
            years=(2021, 2022),
        ),
    ],
    "rsud": [
        T(
            S,
            "Jadwal Praktik Dokter Spesialis {agency} Tahun {year}",
            "Jadwal poliklinik dan dokter spesialis yang bertugas Tahun {year}.",
            "Bidang Pelayanan Medik",
            "Direktur",
        ),
        T(
            B,
            "Tarif Layanan {agency} Tahun {year}",
            "Tarif pelayanan rawat jalan, rawat inap dan penunjang yang berlaku Tahun {year}.",
            "Bagian Keuangan",
            "Direktur",
        ),
        T(
            B,
            "Laporan Indikator Mutu Pelayanan {agency} Tahun {year}",
            "Capaian indikator nasional mutu dan survei kepuasan pasien Tahun {year}.",
            "Komite Mutu",
            "Direktur",
        ),
    ],
    "bpbpk": [
        T(
            M,
            "Peringatan Dini Kebakaran Hutan dan Lahan (Karhutla) {year}",
            "Status siaga karhutla, sebaran titik panas dan larangan membakar lahan.",
            "Bidang Kedaruratan dan Logistik",
            "Kepala Pelaksana BPBPK",
        ),
        T(
            M,
            "Informasi Status Siaga Darurat Banjir Kalimantan Tengah {year}",
            "Wilayah terdampak banjir, posko pengungsian dan nomor darurat yang dapat dihubungi.",
            "Bidang Kedaruratan dan Logistik",
            "Kepala Pelaksana BPBPK",
            years=(2021, 2022, 2024, 2025),
        ),
        T(
            S,
            "Peta Rawan Bencana Provinsi Kalimantan Tengah Tahun {year}",
            "Peta kawasan rawan banjir dan kebakaran hutan dan lahan per kabupaten/kota Tahun {year}.",
            "Bidang Pencegahan dan Kesiapsiagaan",
            "Kepala Pelaksana BPBPK",
        ),
    ],
    "dlh": [
        T(
            M,
            "Indeks Standar Pencemar Udara (ISPU) Kota Palangka Raya saat Kabut Asap {year}",
            "Kategori kualitas udara harian dan imbauan mengurangi aktivitas di luar ruangan.",
            "Bidang Pengendalian Pencemaran",
            "Kepala DLH",
            years=_HAZE,
        ),
        T(
            B,
            "Indeks Kualitas Lingkungan Hidup (IKLH) Provinsi Kalimantan Tengah Tahun {year}",
            "Indeks kualitas air, udara dan tutupan lahan Tahun {year}.",
            "Bidang Tata Lingkungan",
            "Kepala DLH",
        ),
        T(
            S,
            "Daftar Persetujuan Lingkungan yang Diterbitkan Tahun {year}",
            "Persetujuan lingkungan (AMDAL dan UKL-UPL) yang diterbitkan pada Tahun {year}.",
            "Bidang Tata Lingkungan",
            "Kepala DLH",
        ),
    ],
    "dishub": [
        T(
            M,
            "Informasi Gangguan Pelayaran Sungai akibat Surutnya Muka Air {year}",
            "Alur sungai yang tidak dapat dilayari dan jadwal angkutan sungai yang berubah.",
            "Bidang Angkutan Sungai, Danau dan Penyeberangan",
            "Kepala Dishub",
            years=(2019, 2023),
        ),
        T(
            S,
            "Jadwal dan Tarif Angkutan Sungai dan Penyeberangan Tahun {year}",
            "Trayek, jadwal dan tarif angkutan sungai dan penyeberangan Tahun {year}.",
            "Bidang Angkutan Sungai, Danau dan Penyeberangan",
            "Kepala Dishub",
        ),
    ],
    "kominfo": [
        T(
            B,
            "Data Statistik Sektoral Provinsi Kalimantan Tengah Tahun {year}",
            "Kumpulan data statistik sektoral perangkat daerah Tahun {year} sesuai Pergub 19/2022.",
            "Bidang Statistik",
            "Kepala Diskominfosantik",
        ),
        T(
            B,
            "Laporan Pengelolaan Pengaduan SP4N-LAPOR! Tahun {year}",
            "Jumlah, kategori dan status tindak lanjut pengaduan SP4N-LAPOR! Tahun {year}.",
            "Bidang Informasi dan Komunikasi Publik",
            "Kepala Diskominfosantik",
        ),
        T(
            M,
            "Klarifikasi Hoaks yang Beredar di Kalimantan Tengah {year}",
            "Klarifikasi atas informasi menyesatkan yang beredar dan sumber informasi resmi.",
            "Bidang Informasi dan Komunikasi Publik",
            "Kepala Diskominfosantik",
        ),
    ],
    "satpol": [
        T(
            B,
            "Laporan Penegakan Peraturan Daerah dan Peraturan Gubernur Tahun {year}",
            "Jumlah operasi penertiban, pelanggaran yang ditemukan dan tindak lanjutnya Tahun {year}.",
            "Bidang Penegakan Perundang-undangan Daerah",
            "Kepala Satpol PP",
        ),
    ],
    "dinsos": [
        T(
            B,
            "Penyaluran Bantuan Sosial Provinsi Kalimantan Tengah Tahun Anggaran {year}",
            "Jenis, jumlah penerima dan realisasi anggaran bantuan sosial Tahun Anggaran {year}.",
            "Bidang Perlindungan dan Jaminan Sosial",
            "Kepala Dinsos",
        ),
        T(
            M,
            "Posko Bantuan Logistik bagi Korban Banjir {year}",
            "Lokasi posko, jenis bantuan dan cara penyaluran bagi warga terdampak banjir.",
            "Bidang Perlindungan dan Jaminan Sosial",
            "Kepala Dinsos",
            years=(2021, 2024),
        ),
    ],
    "pupr": [
        T(
            B,
            "Kondisi Jalan Provinsi Kalimantan Tengah Tahun {year}",
            "Panjang jalan provinsi menurut kondisi mantap dan tidak mantap per ruas Tahun {year}.",
            "Bidang Bina Marga",
            "Kepala Dinas PUPR",
        ),
        T(
            M,
            "Informasi Ruas Jalan Provinsi yang Terputus akibat Banjir {year}",
            "Ruas jalan yang tidak dapat dilalui, jalur alternatif dan perkiraan penanganan.",
            "Bidang Bina Marga",
            "Kepala Dinas PUPR",
            years=(2021, 2024),
        ),
    ],
    "dishut": [
        T(
            B,
            "Rekapitulasi Luas Rehabilitasi Hutan dan Lahan Tahun {year}",
            "Luas rehabilitasi hutan dan lahan per kesatuan pengelolaan hutan Tahun {year}.",
            "Bidang Rehabilitasi Hutan dan Lahan",
            "Kepala Dishut",
        ),
    ],
    "dpmptsp": [
        T(
            B,
            "Realisasi Investasi Provinsi Kalimantan Tengah Tahun {year}",
            "Realisasi penanaman modal dalam negeri dan asing per sektor Tahun {year}.",
            "Bidang Pengendalian Pelaksanaan Penanaman Modal",
            "Kepala DPMPTSP",
        ),
        T(
            S,
            "Daftar Perizinan Berusaha yang Diterbitkan Tahun {year}",
            "Perizinan berusaha kewenangan provinsi yang diterbitkan pada Tahun {year}.",
            "Bidang Pelayanan Perizinan",
            "Kepala DPMPTSP",
        ),
    ],
    "bapperida": [
        T(
            B,
            "Rencana Kerja Pemerintah Daerah (RKPD) Provinsi Kalimantan Tengah Tahun {year}",
            "Prioritas pembangunan, program dan pagu indikatif penganggaran daerah Tahun {year}.",
            "Bidang Perencanaan, Pengendalian dan Evaluasi",
            "Kepala Bapperida",
        ),
        T(
            B,
            "Hasil Musyawarah Perencanaan Pembangunan (Musrenbang) Provinsi Tahun {year}",
            "Usulan prioritas pembangunan hasil Musrenbang Provinsi untuk RKPD tahun berikutnya.",
            "Bidang Perencanaan, Pengendalian dan Evaluasi",
            "Kepala Bapperida",
        ),
        T(
            B,
            "Rencana Pembangunan Jangka Menengah Daerah (RPJMD) Provinsi Kalimantan Tengah 2025–2029",
            "Visi, misi, tujuan, sasaran dan program prioritas pembangunan daerah periode 2025–2029.",
            "Bidang Perencanaan, Pengendalian dan Evaluasi",
            "Kepala Bapperida",
            retention="Permanen",
            years=(2025,),
        ),
    ],
    "bkad": [
        T(
            B,
            "Ringkasan APBD Provinsi Kalimantan Tengah Tahun Anggaran {year}",
            "Ringkasan pendapatan, belanja dan pembiayaan daerah dalam APBD Tahun Anggaran {year}.",
            "Bidang Anggaran",
            "Kepala BKAD",
            retention="Permanen",
        ),
        T(
            B,
            "Kebijakan Umum Anggaran dan Prioritas Plafon Anggaran Sementara (KUA-PPAS) Tahun Anggaran {year}",
            "Kebijakan pendapatan, belanja dan pembiayaan serta plafon anggaran per program.",
            "Bidang Anggaran",
            "Kepala BKAD",
        ),
        T(
            B,
            "Laporan Keuangan Pemerintah Provinsi Kalimantan Tengah Tahun {year}",
            "Laporan keuangan pemerintah daerah yang telah diperiksa BPK, beserta opini audit.",
            "Bidang Akuntansi",
            "Kepala BKAD",
            retention="Permanen",
        ),
    ],
    "bapenda": [
        T(
            B,
            "Realisasi Penerimaan Pajak Kendaraan Bermotor per UPT Samsat Tahun {year}",
            "Target dan realisasi penerimaan pajak kendaraan bermotor per UPT Samsat Tahun {year}.",
            "Bidang Pendapatan Pajak Daerah",
            "Kepala Bapenda",
        ),
        T(
            B,
            "Pengumuman Program Pemutihan Denda Pajak Kendaraan Bermotor Tahun {year}",
            "Masa berlaku, syarat dan lokasi layanan program pembebasan denda pajak kendaraan.",
            "Bidang Pendapatan Pajak Daerah",
            "Kepala Bapenda",
            years=(2020, 2022, 2024, 2025),
        ),
    ],
    "bkd": [
        T(
            B,
            "Pengumuman Seleksi Calon Aparatur Sipil Negara Pemerintah Provinsi Kalimantan Tengah Tahun {year}",
            "Formasi, persyaratan dan jadwal seleksi CPNS dan PPPK Tahun {year}.",
            "Bidang Pengadaan dan Informasi Kepegawaian",
            "Kepala BKD",
            years=(2019, 2021, 2023, 2024),
        ),
        T(
            S,
            "Data Aparatur Sipil Negara menurut Golongan dan Pendidikan Tahun {year}",
            "Jumlah ASN per perangkat daerah menurut golongan, jabatan dan pendidikan Tahun {year}.",
            "Bidang Pengadaan dan Informasi Kepegawaian",
            "Kepala BKD",
        ),
    ],
    "bpsdm": [
        T(
            S,
            "Jadwal Pendidikan dan Pelatihan Aparatur Tahun {year}",
            "Jadwal pelatihan kepemimpinan, teknis dan fungsional bagi ASN Tahun {year}.",
            "Bidang Pengembangan Kompetensi",
            "Kepala BPSDM",
        ),
    ],
}

PROVINCE_TEMPLATES = [
    T(
        B,
        "Laporan Layanan Informasi Publik PPID Utama Provinsi Kalimantan Tengah Tahun {year}",
        "Rekapitulasi permohonan informasi, keberatan dan sengketa informasi seluruh PPID di "
        "lingkungan Pemerintah Provinsi Kalimantan Tengah Tahun {year}.",
        "PPID Utama (Diskominfosantik)",
        "Kepala Diskominfosantik selaku PPID Utama",
    ),
    T(
        S,
        "Daftar Informasi Publik Pemerintah Provinsi Kalimantan Tengah Tahun {year}",
        "Daftar informasi publik yang dikuasai Pemerintah Provinsi Kalimantan Tengah Tahun {year}.",
        "PPID Utama (Diskominfosantik)",
        "Kepala Diskominfosantik selaku PPID Utama",
    ),
    T(
        B,
        "Hasil Monitoring dan Evaluasi Keterbukaan Informasi Publik Perangkat Daerah Tahun {year}",
        "Nilai dan kualifikasi keterbukaan informasi perangkat daerah Tahun {year}.",
        "PPID Utama (Diskominfosantik)",
        "Kepala Diskominfosantik selaku PPID Utama",
    ),
    T(
        S,
        "Maklumat Pelayanan Informasi Publik PPID Provinsi Kalimantan Tengah",
        "Janji layanan PPID: waktu, biaya dan saluran permohonan informasi publik.",
        "PPID Utama (Diskominfosantik)",
        "Sekretaris Daerah selaku Atasan PPID",
        retention="Selama berlaku",
        years=(2020,),
    ),
    T(
        S,
        "Standar Layanan Informasi Publik dan Biaya Salinan Informasi",
        "Tata cara permohonan, jangka waktu jawaban dan biaya penggandaan salinan informasi.",
        "PPID Utama (Diskominfosantik)",
        "Kepala Diskominfosantik selaku PPID Utama",
        retention="Selama berlaku",
        years=(2021,),
    ),
    T(
        S,
        "Prosedur Pengajuan Keberatan dan Sengketa Informasi Publik",
        "Tata cara mengajukan keberatan kepada Atasan PPID dan sengketa ke Komisi Informasi.",
        "PPID Utama (Diskominfosantik)",
        "Sekretaris Daerah selaku Atasan PPID",
        retention="Selama berlaku",
        years=(2022,),
    ),
    T(
        M,
        "Pengumuman Status Tanggap Darurat Bencana Kabut Asap Provinsi Kalimantan Tengah {year}",
        "Penetapan status tanggap darurat, sekolah yang diliburkan dan posko kesehatan.",
        "PPID Utama (Diskominfosantik)",
        "Gubernur Kalimantan Tengah",
        years=_HAZE,
    ),
]

REGENCY_TEMPLATES = [
    T(
        B,
        "Laporan Layanan Informasi Publik PPID Utama Pemerintah {agency} Tahun {year}",
        "Jumlah permohonan informasi, waktu pemenuhan dan keberatan pada PPID {agency} Tahun {year}.",
        "PPID Utama {short}",
        "Sekretaris Daerah {agency} selaku Atasan PPID",
    ),
    T(
        B,
        "Ringkasan APBD Pemerintah {agency} Tahun Anggaran {year}",
        "Ringkasan pendapatan, belanja dan pembiayaan daerah {agency} Tahun Anggaran {year}.",
        "Badan Pengelola Keuangan Daerah {agency}",
        "Sekretaris Daerah {agency}",
    ),
    T(
        B,
        "Laporan Kinerja Instansi Pemerintah (LKjIP) Pemerintah {agency} Tahun {year}",
        "Capaian kinerja Pemerintah {agency} Tahun {year} atas sasaran RPJMD.",
        "Bagian Organisasi Setda {agency}",
        "Sekretaris Daerah {agency}",
    ),
    T(
        S,
        "Daftar Informasi Publik Pemerintah {agency} Tahun {year}",
        "Daftar informasi publik yang dikuasai Pemerintah {agency} Tahun {year}.",
        "PPID Utama {short}",
        "Sekretaris Daerah {agency} selaku Atasan PPID",
    ),
    T(
        M,
        "Siaga Darurat Kebakaran Hutan dan Lahan {agency} {year}",
        "Penetapan status siaga darurat karhutla, larangan membakar lahan dan nomor pengaduan.",
        "Badan Penanggulangan Bencana Daerah {agency}",
        "Bupati/Wali Kota",
        years=_HAZE,
    ),
]

VERTICAL_TEMPLATES = [
    T(
        B,
        "Laporan Tahunan {agency} Tahun {year}",
        "Capaian program dan kegiatan {short} Tahun {year}.",
        "Bagian Umum {short}",
        "Kepala {short}",
    ),
    T(
        B,
        "Laporan Layanan Informasi Publik {short} Tahun {year}",
        "Jumlah permohonan informasi dan keberatan yang ditangani {short} Tahun {year}.",
        "PPID {short}",
        "Kepala {short}",
    ),
    T(
        S,
        "Standar Pelayanan {agency}",
        "Persyaratan, prosedur, waktu dan biaya layanan {short}.",
        "Bagian Umum {short}",
        "Kepala {short}",
        retention="Selama berlaku",
        years=(2023,),
    ),
]

# Bigger agencies publish more (weights for the share of items per agency).
_WEIGHTS = {"disdik": 1.6, "dinkes": 1.6, "pupr": 1.5, "bkad": 1.5, "bapperida": 1.4,
            "bpbpk": 1.3, "dlh": 1.3, "rsud": 1.2, "kominfo": 1.4, "biro": 0.6}  # fmt: skip
PROVINCE_ITEMS = 40
REGENCY_ITEMS = 5
VERTICAL_ITEMS = 2


@dataclass(frozen=True)
class ItemSpec:
    office_slug: str
    template: Template
    year: int
    agency: str
    short: str
    place: str

    def text(self, pattern: str) -> str:
        return pattern.format(
            agency=self.agency, short=self.short, year=self.year, next=self.year + 1
        )

    @property
    def title(self) -> str:
        return self.text(self.template.title)


def _candidates(office_slug, templates, agency, short, place) -> list[ItemSpec]:
    specs = []
    for template in templates:
        years = template.years if "{year}" in template.title else template.years[:1]
        specs += [ItemSpec(office_slug, template, y, agency, short, place) for y in years]
    return specs


def _quotas(weights: list[float], total: int) -> list[int]:
    """Split `total` in proportion to `weights` exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    quotas = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - quotas[i], reverse=True)
    for i in by_remainder[: total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def item_specs() -> list[ItemSpec]:
    """The 1,314 demo rows, the same on every call."""
    rng = random.Random(SEED)
    specs: list[ItemSpec] = []
    pool = _candidates(org_demo.UTAMA_SLUG, PROVINCE_TEMPLATES, "Pemerintah Provinsi Kalimantan Tengah",
                       "Pemprov Kalteng", "Palangka Raya")  # fmt: skip
    specs += rng.sample(pool, min(PROVINCE_ITEMS, len(pool)))
    for region in org_demo.REGIONS:
        pool = _candidates(org_demo.office_slug(region.slug), REGENCY_TEMPLATES, region.name,
                           region.short_name, region.capital)  # fmt: skip
        specs += rng.sample(pool, REGENCY_ITEMS)
    for vertical in [*org_demo.VERTICALS, org_demo.KI_KALTENG]:
        pool = _candidates(org_demo.office_slug(vertical.slug), VERTICAL_TEMPLATES, vertical.name,
                           vertical.short_name, "Palangka Raya")  # fmt: skip
        specs += rng.sample(pool, VERTICAL_ITEMS)
    agencies = org_demo.AGENCIES
    quotas = _quotas([_WEIGHTS.get(a.group, 1.0) for a in agencies], ITEM_COUNT - len(specs))
    for agency, quota in zip(agencies, quotas, strict=True):
        slug = org_demo.office_slug(agency.slug)
        own = _candidates(
            slug, SPECIFIC.get(agency.group, []), agency.name, agency.short_name, "Palangka Raya"
        )
        generic = _candidates(slug, GENERIC, agency.name, agency.short_name, "Palangka Raya")
        # An agency's own kinds of information first (up to 40% of its rows), then the common ones.
        chosen = rng.sample(own, min(len(own), int(quota * 0.4)))
        chosen += rng.sample(generic, quota - len(chosen))
        specs += chosen
    assert len(specs) == ITEM_COUNT  # noqa: S101 - a wrong template table must fail loudly
    return specs


# --- items -----------------------------------------------------------------------------------


def _published_at(rng: random.Random, year: int, today: datetime.date) -> datetime.datetime:
    start = datetime.date(year, 1, 2)
    end = min(datetime.date(year, 12, 28), today - datetime.timedelta(days=1))
    day = start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _review_dates(rng: random.Random, published: datetime.date, today: datetime.date):
    """F2: a berkala row is reviewed at least every six months. About one in eight older rows
    is left overdue on purpose, so the dashboard's overdue flag has something to show."""
    if published < today - datetime.timedelta(days=400) and rng.random() < 0.12:
        reviewed = today - datetime.timedelta(days=rng.randint(190, 400))
    else:
        reviewed = today - datetime.timedelta(days=rng.randint(0, 170))
    reviewed = max(reviewed, published)
    return reviewed, rules.next_review_date(reviewed)


def _build_items(specs, offices, creator, today) -> list[InformationItem]:
    rng = random.Random(SEED + 1)
    items = []
    for spec in specs:
        template, office = spec.template, offices[spec.office_slug]
        published_at = _published_at(rng, spec.year, today)
        local_day = timezone.localtime(published_at).date()
        item = InformationItem(
            office=office,
            body=office.body,
            title=spec.title[:300],
            summary=f"{spec.text(template.summary)} {DEMO_MARK}",
            category=template.category,
            owner_unit=spec.text(template.unit)[:200],
            responsible=spec.text(template.responsible)[:200],
            creation_time=f"{MONTHS[local_day.month - 1]} {local_day.year}",
            creation_place=spec.place,
            form_softcopy=True,
            form_hardcopy=rng.random() < 0.6,
            retention=template.retention,
            media_type=template.media,
            year=spec.year,
            status=InformationItem.Status.PUBLISHED,
            published_at=published_at,
            is_demo=True,
            created_by=creator if _in_province(office) else None,
        )
        if item.category == Category.BERKALA:
            item.last_reviewed, item.next_review = _review_dates(rng, local_day, today)
        items.append(item)
    return items


def _in_province(office: Office) -> bool:
    """Whether the office is the province's PPID Utama or one of its Pelaksana."""
    utama = org_demo.UTAMA_SLUG
    return office.slug == utama or (office.parent is not None and office.parent.slug == utama)


def _item_events(items, creator) -> list[Event]:
    content_type = ContentType.objects.get_for_model(InformationItem)
    events = []
    for item in items:
        actor = item.created_by
        role = Role.PPID_UTAMA.value if actor is not None else ""
        fields = {name: getattr(item, name) for name in ITEM_FIELDS}
        common = {"content_type": content_type, "object_id": item.pk, "actor": actor,
                  "actor_role": role, "reason": LOADER}  # fmt: skip
        events.append(Event(action="created", changes=fields, **common))
        events.append(Event(action="published", changes={}, **common))
    return events


# --- documents -------------------------------------------------------------------------------


def announces(item: InformationItem) -> bool:
    """Whether the item's PDF carries the "diumumkan" sentence (a third of berkala rows),
    decided from the title so a rerun decides the same."""
    return item.category == Category.BERKALA and zlib.crc32(item.title.encode()) % 3 == 0


def demo_pdf(item: InformationItem) -> bytes:
    """A one-page PDF with real, extractable text: the title, the summary and the DIP columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    # invariant=1: no creation date or random ID, so the same item gives the same bytes.
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(item.title)
    pdf.setAuthor(f"{item.body.name} {DEMO_MARK}")
    pdf.setSubject("Dokumen contoh PPID Terpadu (data demo)")
    width, height = A4
    left, max_width = 20 * mm, width - 40 * mm

    # One text object for the page: fewer content-stream operators to write and to parse.
    text = pdf.beginText(left, height - 20 * mm)

    def write(paragraph, font="Helvetica", size=10.5, leading=14, gap=6):
        text.setFont(font, size, leading)
        for line in simpleSplit(paragraph, font, size, max_width):
            text.textLine(line)
        text.moveCursor(0, gap)

    text.setFillColorRGB(0.7, 0.1, 0.1)
    write("DATA DEMO - dokumen contoh, bukan dokumen resmi", "Helvetica-Bold", 9, 12)
    text.setFillColorRGB(0, 0, 0)
    write(item.body.name, "Helvetica", 10, 13)
    write(item.title, "Helvetica-Bold", 14, 18, 10)
    write(item.summary)
    write(
        f"{CATEGORY_TEXT[item.category]}. Pejabat/unit yang menguasai informasi: {item.owner_unit}. "
        f"Penanggung jawab: {item.responsible}. Waktu dan tempat pembuatan: {item.creation_time}, "
        f"{item.creation_place}. Jangka waktu penyimpanan: {item.retention}."
    )
    if announces(item):
        write("Informasi berkala ini diumumkan paling singkat 6 (enam) bulan sekali melalui laman "
              "PPID dan papan informasi di kantor.")  # fmt: skip
    write(f"Dibuat oleh perintah {LOADER} PPID Terpadu {DEMO_MARK}.", "Helvetica-Oblique", 8, 10)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _attach_pdf(item: InformationItem) -> Document:
    """What document_attach_file stores, followed by the extraction its task runs."""
    data = demo_pdf(item)
    stem = slugify(item.title)[:120].rstrip("-") or "dokumen"
    upload = ContentFile(data, name=f"{stem}.pdf")
    checked = check_upload(upload)
    document = Document(
        item=item,
        kind=Document.Kind.FILE,
        title=item.title[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        extraction=Document.Extraction.PENDING,
    )
    document.file.save(checked.name, upload, save=False)
    document.save()
    return document_extract(document=document)


# --- DIK and DIP -----------------------------------------------------------------------------

# Real Pasal 17 grounds (F6) for typical exempt information of these agencies; the decree
# numbers are invented and say DEMO.
DIK = [
    {
        "office": "rsud-doris-sylvanus",
        "ground": Pasal17.H,
        "subitem": None,
        "information": "Rekam medis pasien RSUD dr. Doris Sylvanus",
        "legal_basis": "UU 14/2008 Pasal 17 huruf h angka 2 (riwayat, kondisi dan perawatan, "
        "pengobatan kesehatan fisik dan psikis seseorang); Permenkes 24/2022 "
        "tentang Rekam Medis",
        "consequence": "Membuka rekam medis mengungkap rahasia pribadi pasien tentang kesehatannya "
        "dan dapat merugikan pasien serta keluarganya.",
        "public_interest": "Kepentingan umum tidak lebih besar daripada perlindungan rahasia pasien; "
        "statistik layanan tanpa identitas tetap dibuka.",
        "period": "Tidak terbatas waktu (Pasal 17 huruf h)",
        "until": None,
    },
    {
        "office": "rsj-kalawa-atei",
        "ground": Pasal17.H,
        "subitem": None,
        "information": "Catatan konseling dan rekam medis pasien kejiwaan",
        "legal_basis": "UU 14/2008 Pasal 17 huruf h angka 2; Permenkes 24/2022 tentang Rekam Medis",
        "consequence": "Mengungkap kondisi kesehatan jiwa seseorang, menimbulkan stigma dan "
        "merugikan pasien.",
        "public_interest": "Data agregat jumlah layanan tetap dibuka tanpa identitas pasien.",
        "period": "Tidak terbatas waktu (Pasal 17 huruf h)",
        "until": None,
    },
    {
        "office": "inspektorat-kalteng",
        "ground": Pasal17.A,
        "subitem": 1,
        "information": "Berkas pemeriksaan khusus atas pengaduan dugaan penyimpangan yang masih berjalan",
        "legal_basis": "UU 14/2008 Pasal 17 huruf a angka 1 (menghambat proses penyelidikan dan "
        "penyidikan suatu tindak pidana)",
        "consequence": "Membuka berkas sebelum pemeriksaan selesai dapat menghilangkan barang bukti "
        "dan menghambat proses hukum.",
        "public_interest": "Hasil akhir pemeriksaan diumumkan dalam ringkasan laporan pengawasan.",
        "period": "Sampai pemeriksaan selesai, paling lama 2 tahun",
        "until": datetime.date(2027, 12, 31),
    },
    {
        "office": "satpolpp-kalteng",
        "ground": Pasal17.A,
        "subitem": 2,
        "information": "Identitas pelapor dan saksi pengaduan pelanggaran peraturan daerah",
        "legal_basis": "UU 14/2008 Pasal 17 huruf a angka 2 (mengungkapkan identitas informan, "
        "pelapor, saksi dan/atau korban)",
        "consequence": "Pelapor dan saksi dapat menerima ancaman atau tekanan sehingga masyarakat "
        "enggan melapor.",
        "public_interest": "Jumlah pengaduan dan tindak lanjutnya tetap diumumkan.",
        "period": "5 tahun sejak pengaduan diterima",
        "until": datetime.date(2030, 12, 31),
    },
    {
        "office": "biro-pbj-kalteng",
        "ground": Pasal17.B,
        "subitem": None,
        "information": "Dokumen penawaran peserta tender (harga dan metodologi teknis) sebelum "
        "pengumuman pemenang",
        "legal_basis": "UU 14/2008 Pasal 17 huruf b; Perpres 16/2018 jo. Perpres 12/2021 tentang "
        "Pengadaan Barang/Jasa Pemerintah",
        "consequence": "Membuka penawaran sebelum penetapan pemenang menimbulkan persaingan usaha "
        "tidak sehat di antara peserta tender.",
        "public_interest": "Hasil tender, pemenang dan nilai kontrak diumumkan setelah penetapan.",
        "period": "Sampai pengumuman pemenang tender",
        "until": datetime.date(2026, 12, 31),
    },
    {
        "office": "biro-hukum-kalteng",
        "ground": Pasal17.I,
        "subitem": None,
        "information": "Telaahan staf dan memorandum internal pembahasan rancangan peraturan gubernur",
        "legal_basis": "UU 14/2008 Pasal 17 huruf i (memorandum atau surat-surat intra Badan Publik "
        "yang menurut sifatnya dirahasiakan)",
        "consequence": "Membuka pendapat internal sebelum keputusan diambil mengganggu kebebasan "
        "pertimbangan dan dapat menyesatkan publik.",
        "public_interest": "Rancangan yang sudah ditetapkan diumumkan melalui JDIH.",
        "period": "Sampai rancangan ditetapkan",
        "until": datetime.date(2027, 6, 30),
    },
    {
        "office": "bkd-kalteng",
        "ground": Pasal17.H,
        "subitem": None,
        "information": "Penilaian kinerja individu dan riwayat kesehatan dalam berkas kepegawaian ASN",
        "legal_basis": "UU 14/2008 Pasal 17 huruf h angka 2 dan 4 (kondisi kesehatan; hasil evaluasi "
        "kemampuan, intelektualitas dan rekomendasi kemampuan seseorang)",
        "consequence": "Mengungkap rahasia pribadi pegawai dan dapat merugikan yang bersangkutan.",
        "public_interest": "Data agregat ASN menurut golongan dan pendidikan tetap dibuka.",
        "period": "Tidak terbatas waktu (Pasal 17 huruf h)",
        "until": None,
    },
]
DIK_TEST_DATE = datetime.date(2025, 9, 15)


def _load_dik(officer, created: Counter) -> None:
    for number, row in enumerate(DIK, start=1):
        office = Office.objects.get(slug=org_demo.office_slug(row["office"]))
        if ExemptEntry.objects.filter(office=office, information=row["information"]).exists():
            continue
        exempt_entry_create(
            user=officer,
            office=office,
            test_fields={
                "trigger": "before_request",
                "document_identified": row["information"],
                "information_described": f"{row['information']} yang dikuasai {office.body.name} "
                f"{DEMO_MARK}",
                "law_analysed": row["legal_basis"],
                "analysis": f"{row['consequence']} {row['public_interest']} {DEMO_MARK}",
                "conclusion": "dikecualikan",
                "participants": f"Tim uji konsekuensi PPID Pelaksana {office.body.short_name} "
                f"dan PPID Utama {DEMO_MARK}",
                "period": row["period"],
                "tested_on": DIK_TEST_DATE,
            },
            entry_fields={
                "information": row["information"],
                "ground": row["ground"],
                "ground_subitem": row["subitem"],
                "legal_basis": row["legal_basis"][:300],
                "consequence": f"{row['consequence']} {DEMO_MARK}",
                "public_interest": row["public_interest"],
                "exempt_until": row["until"],
                "period_text": row["period"],
                "decree_number": f"DEMO/PPID-{number:02d}/IX/2025",
                "decree_place": "Palangka Raya",
                "decree_date": DIK_TEST_DATE,
                "is_demo": True,
            },
        )
        created["exempt_entries"] += 1


def _load_dip(officer, province, today, created: Counter) -> None:
    if DipEstablishment.objects.filter(body=province, is_demo=True).exists():
        return
    version = dip_establish(
        user=officer, body=province, sk_number=f"188.44/DEMO-DIP/{today.year}", sk_date=today,
        year=today.year,
    )  # fmt: skip
    DipEstablishment.objects.filter(pk=version.pk).update(is_demo=True)
    created["dip_versions"] += 1


# --- entry point -----------------------------------------------------------------------------


def load_registry(
    *, orgs: "org_demo.OrgResult", progress: Callable[[int, int], None] | None = None
) -> Counter:
    """Create whatever part of the demo registry is missing; change nothing else."""
    created: Counter = Counter()
    today = timezone.localdate()
    officer = orgs.officers[Role.PPID_UTAMA]
    specs = item_specs()
    offices = {o.slug: o for o in Office.objects.select_related("body", "parent")
               .filter(slug__in={s.office_slug for s in specs})}  # fmt: skip
    existing = set(InformationItem.objects.filter(is_demo=True).values_list("office_id", "title"))
    items = [
        item for item in _build_items(specs, offices, officer, today)
        if (item.office_id, item.title) not in existing
    ]  # fmt: skip
    for item in items:
        # The same text item_create indexes; document text is added by document_extract.
        item.search_text = stem_text(f"{item.title} {item.summary} {item.owner_unit}")
    InformationItem.objects.bulk_create(items, batch_size=500)
    Event.objects.bulk_create(_item_events(items, officer), batch_size=1000)
    created["items"] = len(items)

    without_document = list(
        InformationItem.objects.filter(is_demo=True, documents__isnull=True)
        .select_related("body", "office").order_by("pk")
    )  # fmt: skip
    content_type = ContentType.objects.get_for_model(InformationItem)
    events = []
    for done, item in enumerate(without_document, start=1):
        document = _attach_pdf(item)
        events.append(Event(
            content_type=content_type, object_id=item.pk, action="document_added",
            actor=item.created_by, actor_role=Role.PPID_UTAMA.value if item.created_by else "",
            reason=LOADER, changes={"document": document.title, "sha256": document.sha256},
        ))  # fmt: skip
        if progress:
            progress(done, len(without_document))
    Event.objects.bulk_create(events, batch_size=1000)
    created["documents"] = len(without_document)

    _load_dik(officer, created)
    _load_dip(officer, orgs.province, today, created)
    return created
