"""The managed licence list (CKAN's default list, CC-BY-4.0 first: the Satu Data default)
and the Satu Data themes (groups)."""

from django.db import migrations

LICENCES = [
    # id, title, url, od_conformance, osd_conformance, is_open
    ("cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY 4.0)",
     "https://creativecommons.org/licenses/by/4.0/", "approved", "not reviewed", True),
    ("cc-by-sa-4.0", "Creative Commons Attribution Share-Alike 4.0 (CC BY-SA 4.0)",
     "https://creativecommons.org/licenses/by-sa/4.0/", "approved", "not reviewed", True),
    ("cc-zero", "Creative Commons CC0 1.0 (public domain dedication)",
     "https://creativecommons.org/publicdomain/zero/1.0/", "approved", "not reviewed", True),
    ("odc-by", "Open Data Commons Attribution License (ODC-BY)",
     "https://opendatacommons.org/licenses/by/1-0/", "approved", "not reviewed", True),
    ("odc-odbl", "Open Data Commons Open Database License (ODbL)",
     "https://opendatacommons.org/licenses/odbl/1-0/", "approved", "not reviewed", True),
    ("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)",
     "https://opendatacommons.org/licenses/pddl/1-0/", "approved", "not reviewed", True),
    ("cc-nc", "Creative Commons Non-Commercial (any version)",
     "https://creativecommons.org/licenses/by-nc/4.0/", "not reviewed", "not reviewed", False),
    ("other-open", "Other (open)", "", "not reviewed", "not reviewed", True),
    ("other-pd", "Other (public domain)", "", "not reviewed", "not reviewed", True),
    ("other-at", "Other (attribution)", "", "not reviewed", "not reviewed", True),
    ("other-nc", "Other (non-commercial)", "", "not reviewed", "not reviewed", False),
    ("other-closed", "Other (not open)", "", "not reviewed", "not reviewed", False),
    ("notspecified", "License not specified", "", "not reviewed", "not reviewed", False),
]  # fmt: skip

GROUPS = [
    ("kependudukan", "Kependudukan", "Jumlah, sebaran dan komposisi penduduk; catatan sipil."),
    ("kesehatan", "Kesehatan", "Fasilitas, tenaga dan derajat kesehatan masyarakat."),
    ("pendidikan", "Pendidikan", "Sekolah, guru, murid dan capaian pendidikan."),
    ("ekonomi", "Ekonomi", "Pertumbuhan ekonomi, PDRB, harga dan perdagangan."),
    ("keuangan", "Keuangan Daerah", "Pendapatan, belanja dan pembiayaan daerah."),
    ("sosial", "Sosial dan Kemiskinan", "Kemiskinan, perlindungan dan kesejahteraan sosial."),
    ("pembangunan-manusia", "Pembangunan Manusia", "Indeks pembangunan manusia dan komponennya."),
    ("pertanian", "Pertanian dan Pangan", "Produksi tanaman pangan, perkebunan, peternakan."),
    ("infrastruktur", "Infrastruktur", "Jalan, jembatan, air minum, sanitasi dan perumahan."),
    ("lingkungan-hidup", "Lingkungan Hidup dan Kehutanan", "Hutan, lahan, kualitas lingkungan."),
    ("ketenagakerjaan", "Ketenagakerjaan", "Angkatan kerja, pengangguran dan upah."),
    ("pemerintahan", "Pemerintahan", "Aparatur, pelayanan publik dan tata kelola."),
    ("geospasial", "Geospasial dan Wilayah", "Batas wilayah, luas dan data spasial."),
]


def seed(apps, schema_editor):
    Licence = apps.get_model("databank", "Licence")
    Group = apps.get_model("databank", "Group")
    for position, (pk, title, url, od, osd, is_open) in enumerate(LICENCES):
        Licence.objects.update_or_create(
            id=pk,
            defaults={
                "title": title,
                "url": url,
                "od_conformance": od,
                "osd_conformance": osd,
                "is_open": is_open,
                "position": position,
            },
        )
    for name, title, description in GROUPS:
        Group.objects.get_or_create(name=name, defaults={"title": title, "description": description})


class Migration(migrations.Migration):
    dependencies = [("databank", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
