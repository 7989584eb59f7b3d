"""tabular.read: the CSV and XLSX files real data comes in (issue 4 §1 and §6)."""

import codecs
import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ppid.databank import tabular
from ppid.databank.tabular import Column, TabularError

FILES = Path(__file__).parent / "files"


def naive(*args):
    """A datetime as a file writes it: local time without a zone."""
    return datetime.datetime(*args)  # noqa: DTZ001


def read_bytes(data: bytes, fmt="csv"):
    return tabular.read(io.BytesIO(data), fmt=fmt)


def types(table):
    return {c.id: c.type for c in table.columns}


def rows(table):
    return list(table.rows)


# --- encodings ------------------------------------------------------------------------------


def test_it_reads_utf8_with_a_byte_order_mark():
    table = read_bytes("\ufeffNama,Jumlah\nDinas Kesehatan,12\n".encode())
    assert [c.id for c in table.columns] == ["nama", "jumlah"]
    assert table.encoding == "utf-8-sig"
    assert rows(table) == [("Dinas Kesehatan", 12)]


def test_it_reads_utf8_without_a_byte_order_mark():
    table = read_bytes("Kecamatan;Keterangan\nPahandut;Pusat kota – ibukota\n".encode())
    assert rows(table) == [("Pahandut", "Pusat kota – ibukota")]


def test_it_falls_back_to_windows_1252():
    data = "Kecamatan;Catatan\nPahandut;Café – “baru”\n".encode("cp1252")
    table = read_bytes(data)
    assert table.encoding == "cp1252"
    assert rows(table) == [("Pahandut", "Café – “baru”")]


def test_it_falls_back_to_windows_1252_when_the_odd_byte_comes_late():
    lines = ["nama,nilai"] + [f"baris {i},{i}" for i in range(12_000)] + ["Se\xf1or,5"]
    table = read_bytes("\n".join(lines).encode("cp1252"))
    assert table.encoding == "cp1252"
    assert rows(table)[-1] == ("Señor", 5)
    assert table.row_count == 12_001


def test_it_reads_latin1_bytes_that_windows_1252_does_not_define():
    table = read_bytes(b"nama,jumlah\nA\x81B,1\n")
    assert table.encoding == "latin-1"
    assert rows(table) == [("A\x81B", 1)]


def test_it_reads_utf16_text_from_excel():
    data = codecs.BOM_UTF16_LE + "Nama\tJumlah\nKapuas\t7\n".encode("utf-16-le")
    table = read_bytes(data)
    assert table.delimiter == "\t"
    assert rows(table) == [("Kapuas", 7)]


def test_the_committed_sample_files_read(settings):
    table = tabular.read(FILES / "penduduk_cp1252_semicolon.csv", fmt="CSV")
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert types(table) == {
        "kabupaten_kota": "text",
        "tahun": "int",
        "laki_laki": "int",
        "perempuan": "int",
        "kepadatan_jiwa_km2": "numeric",
    }
    assert rows(table)[0] == ("Kotawaringin Barat", 2023, 151234, 143210, 27.5)
    assert rows(table)[2][0] == "Seruyan – Kuala Pembuang"


# --- separators, quoting, line ends ---------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_it_detects_the_separator(sep):
    text = sep.join(["Kabupaten", "Tahun", "Nilai"]) + "\r\n"
    text += sep.join(["Kapuas", "2023", "12"]) + "\r\n"
    text += sep.join(["Katingan", "2024", "15"]) + "\r\n"
    table = read_bytes(text.encode())
    assert table.delimiter == sep
    assert rows(table) == [("Kapuas", 2023, 12), ("Katingan", 2024, 15)]


def test_commas_inside_numbers_do_not_fool_the_separator_guess():
    text = "Kabupaten;Nilai;Persen\nKapuas;1.234,56;12,5\nKatingan;7,25;3,0\nSeruyan;10,5;1,25\n"
    table = read_bytes(text.encode())
    assert table.delimiter == ";"
    assert rows(table)[0] == ("Kapuas", 1234.56, 12.5)


def test_quoted_fields_keep_separators_quotes_and_line_breaks():
    text = (
        "nama,alamat,catatan\r\n"
        '"Dinas, Pendidikan","Jl. RTA Milono\r\nKm 5","Kata ""resmi"""\r\n'
        'Dinas Kesehatan,"Jl. Yos Sudarso",\r\n'
    )
    table = read_bytes(text.encode())
    assert rows(table) == [
        ("Dinas, Pendidikan", "Jl. RTA Milono\r\nKm 5", 'Kata "resmi"'),
        ("Dinas Kesehatan", "Jl. Yos Sudarso", None),
    ]


@pytest.mark.parametrize(
    "ends",
    [
        ["\r\n", "\r\n", "\r\n"],  # Windows
        ["\r\n", "\n", "\r\n"],  # mixed with Unix line ends
        ["\r", "\r\n", "\r"],  # mixed with old Mac line ends
        ["\n", "\n", "\n"],
    ],
)
def test_line_ends_of_any_kind_and_mixed_end_the_same_rows(ends):
    lines = ["Kabupaten;Tahun;Nilai", "Kapuas;2023;12", "Katingan;2024;15"]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    table = read_bytes(text.encode())
    assert rows(table) == [("Kapuas", 2023, 12), ("Katingan", 2024, 15)]


def test_a_file_with_one_column_reads():
    table = read_bytes(b"kabupaten\nKapuas\nKatingan\n")
    assert rows(table) == [("Kapuas",), ("Katingan",)]


# --- numbers --------------------------------------------------------------------------------


def column_of(values, header="nilai"):
    return read_bytes(("id;" + header + "\n" + "".join(f"{i};{v}\n" for i, v in
                                                    enumerate(values))).encode())  # fmt: skip


@pytest.mark.parametrize(
    ("values", "kind", "expected"),
    [
        (["1.234,56", "12,5", "7"], "numeric", [1234.56, 12.5, 7.0]),
        (["1.234.567", "12", "1.000"], "int", [1234567, 12, 1000]),
        (["12,5", "0,75", "-3,2"], "numeric", [12.5, 0.75, -3.2]),
        (["1,234.56", "12.5", "1,000,000.25"], "numeric", [1234.56, 12.5, 1000000.25]),
        (["1,234", "1,234,567"], "int", [1234, 1234567]),
        # "1.234" alone is Indonesian thousands; with "12.5" the column is English decimals.
        (["1.234", "2.500"], "int", [1234, 2500]),
        (["1.234", "12.5"], "numeric", [1.234, 12.5]),
        (["12,5%", "7 %", "100%"], "numeric", [12.5, 7.0, 100.0]),
        (["2020", "2021", " 2022 "], "int", [2020, 2021, 2022]),
        (["1.234,5", "", "-", "..."], "numeric", [1234.5, None, None, None]),
        (["+5", "-7"], "int", [5, -7]),
    ],
)
def test_number_formats_are_decided_per_column(values, kind, expected):
    table = column_of(values)
    assert types(table)["nilai"] == kind
    assert [r[1] for r in rows(table)] == expected


@pytest.mark.parametrize(
    "values",
    [
        ["007", "012"],  # codes with leading zeros
        ["1.234,5", "1,234.5"],  # two formats in one column
        ["12", "dua belas"],
        ["6201", "62.01.01"],  # kode wilayah
    ],
)
def test_columns_that_are_not_numbers_stay_text(values):
    table = column_of(values)
    assert types(table)["nilai"] == "text"
    assert [r[1] for r in rows(table)] == [v.strip() for v in values]


@pytest.mark.parametrize("label", ["kode_wilayah", "Kode Wilayah", "NIP", "Telepon"])
def test_identifier_columns_stay_text_even_when_their_values_look_numeric(label):
    table = tabular.read(
        io.BytesIO(f"nama;{label}\nPalangka Raya;62.71\nKapuas;62.03\n".encode()), fmt="CSV"
    )
    assert [c.type for c in table.columns] == ["text", "text"]
    assert [r[1] for r in table.rows] == ["62.71", "62.03"]


def test_a_dash_stays_as_written_in_a_text_column():
    table = column_of(["-", "ada"])
    assert [r[1] for r in rows(table)] == ["-", "ada"]


def test_a_column_of_only_empty_cells_and_dashes_is_text():
    table = column_of(["", "-", ""])
    assert types(table)["nilai"] == "text"


def test_a_typo_in_a_long_number_column_is_reported_with_its_row():
    values = [str(i * 10) for i in range(30)] + ["12O"] + ["5"] * 5
    with translation.override("en"):
        table = column_of(values)
    assert types(table)["nilai"] == "text"
    assert [(p.row, p.message) for p in table.problems] == [
        (32, '"12O" in column "nilai" is not a number: the column is read as text.')
    ]


@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False),
    st.sampled_from(["id", "en"]),
)
@settings(max_examples=300, deadline=None)
def test_any_formatted_number_round_trips(value, fmt):
    text = tabular.format_number(value, fmt)
    assert tabular.parse_number(text, fmt) == pytest.approx(float(value), abs=1e-9)


@given(st.integers(min_value=-(10**17), max_value=10**17), st.sampled_from(["id", "en"]))
@settings(max_examples=300, deadline=None)
def test_any_formatted_integer_round_trips_exactly(value, fmt):
    text = tabular.format_number(value, fmt)
    assert tabular.parse_number(text, fmt) == value
    assert rows(column_of([text]))[0][1] == value


# --- dates ----------------------------------------------------------------------------------


def test_iso_and_day_first_dates_are_dates():
    table = column_of(["2024-03-31", "31/12/2023", "01-02-2024", ""], header="tanggal")
    assert types(table)["tanggal"] == "date"
    assert [r[1] for r in rows(table)] == [
        datetime.date(2024, 3, 31),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 2, 1),
        None,
    ]


def test_dates_with_a_time_of_day_are_timestamps():
    table = column_of(["2024-03-31 08:30", "2024-04-01T17:05:09", "2024-04-02"], header="waktu")
    assert types(table)["waktu"] == "timestamp"
    assert [r[1] for r in rows(table)] == [
        naive(2024, 3, 31, 8, 30),
        naive(2024, 4, 1, 17, 5, 9),
        naive(2024, 4, 2, 0, 0),
    ]


def test_an_impossible_date_makes_the_column_text():
    table = column_of(["28/02/2024", "31/02/2024"], header="tanggal")
    assert types(table)["tanggal"] == "text"


# --- headers --------------------------------------------------------------------------------


def test_headers_become_safe_unique_ids_and_keep_their_labels():
    text = "Jumlah Penduduk (Jiwa),,Luas Wilayah (km²),nama,Nama, _id ,2023\n1,2,3,4,5,6,7\n"
    table = read_bytes(text.encode())
    assert table.columns[0] == Column("jumlah_penduduk_jiwa", "int", "Jumlah Penduduk (Jiwa)")
    assert [c.id for c in table.columns] == [
        "jumlah_penduduk_jiwa",
        "kolom_2",
        "luas_wilayah_km2",
        "nama",
        "nama_2",
        "id",
        "2023",
    ]
    assert [c.label for c in table.columns][1:3] == ["", "Luas Wilayah (km²)"]


def test_blank_lines_before_the_header_are_skipped():
    table = read_bytes(b"\n;;\nnama;nilai\nA;1\n")
    assert [c.id for c in table.columns] == ["nama", "nilai"]
    assert rows(table) == [("A", 1)]


# --- ragged rows ----------------------------------------------------------------------------


def test_short_rows_are_padded_and_long_rows_reported_with_their_row_number():
    lines = ["a,b,c,d"] + ["1,2,3,4"] * 15 + ["1,2,3,4,5", "1,2", "", "1,2,3,4,,"]
    with translation.override("en"):
        table = read_bytes("\n".join(lines).encode())
        assert [(p.row, p.message) for p in table.problems] == [
            (17, "5 columns, the header has 4: the cells after the last column are left out.")
        ]
        assert str(table.problems[0]).startswith("Row 17: 5 columns")
    all_rows = rows(table)
    assert len(all_rows) == 18
    assert all_rows[15] == (1, 2, 3, 4)
    assert all_rows[16] == (1, 2, None, None)
    assert all_rows[17] == (1, 2, 3, 4)


def test_problems_are_capped_but_counted():
    lines = ["a,b"] + ["1,2,3"] * (tabular.MAX_PROBLEMS + 50)
    table = read_bytes("\n".join(lines).encode())
    assert len(table.problems) == tabular.MAX_PROBLEMS
    assert table.problem_count == tabular.MAX_PROBLEMS + 50
    assert table.report()["problem_count"] == tabular.MAX_PROBLEMS + 50


# --- files that cannot be read --------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b",,,\n,,\n"])
def test_an_empty_file_is_an_error(data):
    with pytest.raises(TabularError) as info:
        read_bytes(data)
    assert info.value.row is not None


def test_a_binary_file_is_an_error():
    with pytest.raises(TabularError) as info:
        read_bytes(b"%PDF-1.4\x00\x00\x00" + bytes(range(256)) * 20)
    assert info.value.row == 1


def test_an_unclosed_quote_is_an_error_naming_its_row():
    data = b'nama,nilai\nA,1\nB,"2\n' + b"x" * 200_000 + b"\nC,3\n"
    with pytest.raises(TabularError) as info:
        read_bytes(data)
    assert info.value.row == 3


def test_a_header_without_rows_is_an_empty_table():
    table = read_bytes(b"nama,nilai\n")
    assert table.row_count == 0
    assert types(table) == {"nama": "text", "nilai": "text"}
    assert rows(table) == []


def test_other_formats_are_refused():
    with pytest.raises(TabularError):
        read_bytes(b"{}", fmt="json")


def test_a_non_seekable_file_object_is_read_twice():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    table = tabular.read(Pipe(b"nama,nilai\nA,1\nB,2\n"), fmt="csv")
    assert rows(table) == [("A", 1), ("B", 2)]
    assert rows(table) == [("A", 1), ("B", 2)]
    table.close()


def test_the_callers_file_object_stays_open():
    handle = io.BytesIO(b"nama,nilai\nA,1\n")
    table = tabular.read(handle, fmt="csv")
    assert rows(table) == [("A", 1)]
    assert not handle.closed


# --- streaming ------------------------------------------------------------------------------


def test_rows_come_in_batches(tmp_path):
    path = tmp_path / "besar.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["No", "Desa", "Nilai", "Tanggal"])
        for i in range(1, 12_346):
            writer.writerow([i, f"Desa {i % 97}", f"{i},5", f"{1 + i % 28:02d}/03/2024"])
    table = tabular.read(path, fmt="CSV")
    assert table.row_count == 12_345
    assert types(table) == {"no": "int", "desa": "text", "nilai": "numeric", "tanggal": "date"}
    batches = list(table.batches(5_000))
    assert [len(b) for b in batches] == [5_000, 5_000, 2_345]
    assert batches[2][-1] == (12_345, "Desa 26", 12_345.5, datetime.date(2024, 3, 26))


@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1).map(
                lambda s: "t" + s.strip()
            ),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
)
@settings(max_examples=100, deadline=None)
def test_any_text_written_by_a_csv_writer_reads_back(cells, sep, encoding):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, quoting=csv.QUOTE_ALL)
    writer.writerow(["satu", "dua", "tiga"])
    writer.writerows(cells)
    table = read_bytes(out.getvalue().encode(encoding))
    assert table.delimiter == sep
    assert rows(table) == [tuple(v.strip() for v in row) for row in cells]


# --- XLSX -----------------------------------------------------------------------------------


def workbook_bytes(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_cells_keep_their_types():
    def build(wb):
        ws = wb.active
        ws.title = "Data"
        ws.append(["Kabupaten", "Tahun", "Nilai", "Teks angka", "Tanggal", "Waktu"])
        ws.append(
            [
                "Kapuas",
                2023,
                12.5,
                "1.234,5",
                datetime.date(2024, 1, 31),
                naive(2024, 1, 31, 8, 0),
            ]
        )
        ws.append(
            [
                "Katingan",
                2024,
                7,
                "7",
                naive(2024, 2, 1),
                naive(2024, 2, 1, 9, 30),
            ]
        )

    table = read_bytes(workbook_bytes(build), fmt="xlsx")
    assert table.sheets == ["Data"]
    assert table.sheet == "Data"
    assert types(table) == {
        "kabupaten": "text",
        "tahun": "int",
        "nilai": "numeric",
        "teks_angka": "numeric",
        "tanggal": "date",
        "waktu": "timestamp",
    }
    assert rows(table) == [
        ("Kapuas", 2023, 12.5, 1234.5, datetime.date(2024, 1, 31),
         naive(2024, 1, 31, 8, 0)),
        ("Katingan", 2024, 7.0, 7.0, datetime.date(2024, 2, 1),
         naive(2024, 2, 1, 9, 30)),
    ]  # fmt: skip


def test_xlsx_reads_the_first_sheet_with_data_and_names_every_sheet():
    def build(wb):
        wb.active.title = "Petunjuk kosong"
        ws = wb.create_sheet("Penduduk")
        ws.append([None, None])
        ws.append(["Kabupaten", "Jumlah", None])
        ws.append(["Kapuas", 410_000])
        ws.append(["Katingan", 160_000, None, "lebih"])
        wb.create_sheet("Lain").append(["x"])

    with translation.override("en"):
        table = read_bytes(workbook_bytes(build), fmt="xlsx")
    assert table.sheets == ["Petunjuk kosong", "Penduduk", "Lain"]
    assert table.sheet == "Penduduk"
    assert rows(table) == [("Kapuas", 410_000), ("Katingan", 160_000)]
    assert [(p.row, p.message[:25]) for p in table.problems] == [(4, "4 columns, the header has")]


def test_a_broken_xlsx_is_an_error():
    with pytest.raises(TabularError) as info:
        read_bytes(b"PK\x03\x04 not really a zip", fmt="xlsx")
    assert info.value.row == 1


def test_an_xlsx_without_data_is_an_error():
    with pytest.raises(TabularError):
        read_bytes(workbook_bytes(lambda wb: None), fmt="xlsx")


def test_the_committed_xlsx_sample_reads():
    table = tabular.read(FILES / "ipm_kabupaten.xlsx", fmt="XLSX")
    assert table.sheet == "IPM"
    assert types(table)["ipm_2023"] == "numeric"
    assert rows(table)[0][:2] == ("Kotawaringin Barat", 73.55)


# --- COPY text for PostgreSQL (copy_batches) ------------------------------------------------


def _unescape_copy(cell: str):
    """How PostgreSQL's COPY reads one cell of text format."""
    if cell == "\\N":
        return None
    out, i = [], 0
    while i < len(cell):
        if cell[i] == "\\":
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[cell[i + 1]])
            i += 2
        else:
            out.append(cell[i])
            i += 1
    return "".join(out)


def _typed_as_text(value):
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _copy_rows(table, size):
    rows = []
    for columns, texts in table.copy_batches(size):
        for k, text in enumerate(texts):
            assert (text is None) == (table.columns[k].type != "text")
        rows += zip(*[[_unescape_copy(c) for c in col] for col in columns], strict=True)
    return rows


def _same_as_typed(table, size=3):
    """copy_batches says what column_batches says, for every cell."""
    copied = _copy_rows(table, size)
    typed = list(table.batches(size))
    typed = [row for batch in typed for row in batch]
    assert len(copied) == len(typed)
    for c_row, t_row in zip(copied, typed, strict=True):
        for col, c, t in zip(table.columns, c_row, t_row, strict=True):
            if col.type == "int":
                assert (None if c is None else int(c)) == t
            elif col.type == "numeric":
                assert (None if c is None else float(Decimal(c))) == pytest.approx(t)
            else:
                assert c == _typed_as_text(t)
    return copied


def test_copy_text_has_the_values_of_the_typed_rows():
    data = (
        "nama;jumlah;persen;rasio;tanggal;waktu;catatan\n"
        "Kapuas;1.234.567;12,5%;0,25;31/03/2024;2024-03-31 10:15;biasa\n"
        "Palangka Raya;-;-3,75;1.000,5;01-02-2023;2024-04-01 00:00:01;tab\there\n"
        "  Katingan  ;;n/a;..;;;back\\slash \\N\n"
        'Seruyan;−5;  7 ;12;2023-12-31;2024-01-01T08:00;"baris\nbaru\r"\n'
        "Gunung Mas;0;0;0;2022-01-01;2024-01-02 09:00;\n"
    ).encode()
    table = read_bytes(data)
    assert types(table)["jumlah"] == "text"  # "−5" (U+2212) is not a number
    data = data.replace("−5".encode(), b"+5")
    table = read_bytes(data)
    assert types(table) == {
        "nama": "text", "jumlah": "int", "persen": "numeric", "rasio": "numeric",
        "tanggal": "date", "waktu": "timestamp", "catatan": "text",
    }  # fmt: skip
    copied = _same_as_typed(table)
    assert copied[2][0] == "Katingan"
    assert copied[2][6] == "back\\slash \\N"
    assert copied[1][6] == "tab\there"
    assert copied[3][6] == "baris\nbaru"  # stripped, like the typed rows
    assert copied[4][6] is None


def test_copy_text_takes_the_fast_path_and_the_slow_one_alike():
    lines = ["kode;nilai;desimal"]
    for i in range(40):
        lines.append(f"A{i};{i * 1000:,}".replace(",", ".") + f";{i},{i % 7}")
    lines[17] = "A17; 17 ;-1,5"  # one odd chunk among plain ones
    lines[30] = "A30;;"
    table = read_bytes("\n".join(lines).encode())
    assert types(table) == {"kode": "text", "nilai": "int", "desimal": "numeric"}
    _same_as_typed(table, size=4)


def test_copy_text_keeps_the_digits_as_written_and_drops_nul():
    table = read_bytes(b"teks;angka\nsatu\x00dua;3,14159265358979323846\nx;1\n")
    (columns, texts), *_ = list(table.copy_batches())
    assert columns[0] == ["satudua", "x"]  # PostgreSQL's text holds no NUL
    assert texts[0] == ["satu\x00dua", "x"]
    assert columns[1] == ["3.14159265358979323846", "1"]


def test_copy_text_of_unicode_digits_goes_through_int():
    table = read_bytes("nilai\n1\u0663\u0664\n5\n".encode())  # 1 and Arabic-Indic 34
    assert types(table) == {"nilai": "int"}
    (columns, _texts), *_ = list(table.copy_batches())
    assert columns == [["134", "5"]]


def test_distinct_values_are_counted_up_to_a_limit(monkeypatch):
    monkeypatch.setattr(tabular, "DISTINCT_MAX", 5)
    lines = ["wilayah;kode;nilai"] + [
        f"{['Kapuas', ' Kapuas', 'Katingan'][i % 3]};K{i};{i % 2}" for i in range(30)
    ]
    table = read_bytes("\n".join(lines).encode(), fmt="csv")
    # " Kapuas" is "Kapuas" once stripped, as it is stored; "kode" has too many to count;
    # numbers are not counted.
    assert [c.distinct for c in table.columns] == [2, None, None]
    lines = ["wilayah;catatan"] + [f"Kapuas;{i}" for i in range(tabular.CHUNK + 5)]
    lines[-1] = "Kapuas;tidak ada"  # text only from the second chunk: not counted
    table = read_bytes("\n".join(lines).encode(), fmt="csv")
    assert [(c.type, c.distinct) for c in table.columns] == [("text", 1), ("text", None)]
