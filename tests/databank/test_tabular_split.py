"""tabular.read's type pass on two cores: a large CSV file split at a line, the second
half read by a forked child, reads exactly as one pass reads it (issue 4 §1 and §5)."""

import csv
import io
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppid.databank import tabular

# Chunks of 4 rows: a file of a few dozen rows has several chunks in each half.
SMALL_CHUNK = 4


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(tabular, "CHUNK", SMALL_CHUNK)
    monkeypatch.setattr(tabular, "PARALLEL_MIN_BYTES", 0)


@pytest.fixture
def merges(monkeypatch):
    """What each _merge call answered (True: the child's half was taken in)."""
    answers = []
    merge = tabular._merge

    def spy(*args):
        answers.append(merge(*args))
        return answers[-1]

    monkeypatch.setattr(tabular, "_merge", spy)
    return answers


def summary(table):
    return {
        "rows": table.row_count,
        "columns": [(c.id, c.type, c.label, c.distinct) for c in table.columns],
        "problems": [(p.row, p.message) for p in table.problems],
        "problem_count": table.problem_count,
        "encoding": table.encoding,
        "values": list(table.rows),
    }


def one_pass_and_two_halves(path: Path):
    """The summaries of the file read in one pass and read in two halves."""
    saved = tabular.PARALLEL_MIN_BYTES
    tabular.PARALLEL_MIN_BYTES = 1 << 60
    try:
        whole = summary(tabular.read(path, fmt="csv"))
    finally:
        tabular.PARALLEL_MIN_BYTES = saved
    return whole, summary(tabular.read(path, fmt="csv"))


def write(tmp_path, lines, *, ending="\n", encoding="utf-8") -> Path:
    path = tmp_path / "data.csv"
    path.write_bytes((ending.join(lines) + ending).encode(encoding))
    return path


def typed_lines(n=40):
    rng = random.Random(7)
    lines = ["Kode Wilayah;Kabupaten;Tahun;Jumlah;Persentase;Tanggal;Catatan"]
    for i in range(1, n + 1):
        lines.append(
            f"62.{i:02d};Kapuas {i % 3};{2015 + i % 9};{rng.randrange(10**6):,};"
            f"{rng.randrange(10**4) / 100:.2f};{1 + i % 28:02d}/0{1 + i % 9}/2024;"
            f"catatan {rng.choice(['data', 'angka', ''])}".replace(",", ".")
        )
    return lines


def test_a_large_file_reads_the_same_in_two_halves_as_in_one(tmp_path, merges):
    whole, halves = one_pass_and_two_halves(write(tmp_path, typed_lines()))
    assert merges == [True]
    assert halves == whole
    assert [c[1] for c in halves["columns"]] == [
        "text", "text", "int", "int", "numeric", "date", "text",
    ]  # fmt: skip
    assert halves["rows"] == 40


def test_a_column_that_turns_text_in_the_second_half_is_reported_as_in_one_pass(tmp_path, merges):
    lines = ["Nama;Jumlah"] + [f"Desa {i};{i * 1000:,}".replace(",", ".") for i in range(1, 41)]
    lines[35] = "Desa 35;12a"
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [False]  # the parent read the second half itself
    assert halves == whole
    assert halves["columns"][1][1] == "text"
    [(row, message)] = halves["problems"]
    assert row == 36 and '"12a"' in message and "Jumlah" in message


def test_the_second_half_decides_the_number_format_and_the_timestamp(tmp_path, merges):
    lines = ["Nilai;Waktu"]
    # The first half's rows fit an integer in the Indonesian format (or a decimal in the
    # English one) and a date; the last ten rows only a decimal and a timestamp.
    lines += [f"{i}.234;0{1 + i % 9}/01/2024" for i in range(1, 31)]
    lines += [f"{i}.234,5;0{1 + i % 9}/01/2024 08:30" for i in range(31, 41)]
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert [c[1] for c in halves["columns"]] == ["numeric", "timestamp"]
    assert halves["values"][0][0] == 1234 and halves["values"][-1][0] == 40234.5


def test_a_text_column_keeps_counting_its_values_over_the_second_half(tmp_path, merges):
    lines = ["Kabupaten;Jumlah"] + [f"Kab {i % 7};{i}" for i in range(1, 41)]
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert halves["columns"][0][3] == 7


def test_long_rows_in_both_halves_are_reported_with_their_row_numbers(tmp_path, merges):
    lines = ["Nama;Jumlah"] + [f"Desa {i};{i}" for i in range(1, 41)]
    lines[5] += ";lebih"
    lines[33] += ";lebih;lagi"
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert [row for row, _message in halves["problems"]] == [6, 34]


def test_problems_of_both_halves_are_capped_and_counted(tmp_path, monkeypatch, merges):
    monkeypatch.setattr(tabular, "MAX_PROBLEMS", 3)
    lines = ["Nama;Jumlah"] + [f"Desa {i};{i};lebih" for i in range(1, 41)]
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert len(halves["problems"]) == 3 and halves["problem_count"] == 40


def test_windows_line_ends_split_too(tmp_path, merges):
    whole, halves = one_pass_and_two_halves(write(tmp_path, typed_lines(), ending="\r\n"))
    assert merges == [True]
    assert halves == whole


def test_a_byte_order_mark_is_read_once(tmp_path, merges):
    path = write(tmp_path, typed_lines(), encoding="utf-8-sig")
    whole, halves = one_pass_and_two_halves(path)
    assert merges == [True]
    assert halves == whole
    assert halves["columns"][0][2] == "Kode Wilayah"


def test_a_windows_1252_byte_in_the_second_half_rereads_the_file_as_windows_1252(tmp_path):
    lines = ["Nama;Jumlah"] + [f"Desa {i};{i}" for i in range(1, 41)]
    path = tmp_path / "data.csv"
    path.write_bytes(("\n".join(lines[:35]) + "\nCaf\xe9;35\n").encode("cp1252"))
    whole, halves = one_pass_and_two_halves(path)
    assert halves == whole
    assert halves["encoding"] == "cp1252"
    assert halves["values"][-1] == ("Café", 35)


def test_a_failing_child_leaves_the_rows_to_this_process(tmp_path, monkeypatch, merges):
    def fail(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(tabular._Reader, "_observe_from", fail)
    whole, halves = one_pass_and_two_halves(write(tmp_path, typed_lines()))
    assert merges == []  # no findings came back: nothing to merge
    assert halves == whole


def test_blank_lines_before_the_header_keep_the_chunks_aligned(tmp_path, merges):
    lines = ["", ";", *typed_lines(41)]
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole


@pytest.mark.parametrize(
    "text",
    [
        "Nama;Catatan\rDesa;satu\r" + "Desa;dua\n" * 40,  # a lone carriage return
        "Nama;Catatan\n" + "Desa;dua\n" * 3,  # too short for a chunk a side
    ],
    ids=["lone-cr", "short"],
)
def test_files_that_cannot_split_at_a_line_are_read_in_one_pass(tmp_path, text, merges):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert tabular._split_point(str(path), 1) is None
    tabular.read(path, fmt="csv")
    assert merges == []


def test_the_split_falls_where_a_chunk_starts(tmp_path):
    path = write(tmp_path, ["", *typed_lines(40)], ending="\r\n")  # header in row 2
    start, lines = tabular._split_point(str(path), 2)
    data = path.read_bytes()
    assert data[start - 1 : start] == b"\n"
    assert data[:start].count(b"\n") == lines
    assert (lines - 2) % SMALL_CHUNK == 0


def test_quoted_cells_on_one_line_split_too(tmp_path, merges):
    lines = ["Nama;Alamat;Jumlah"] + [f'Desa {i};"Jl. A; No. {i}";{i}' for i in range(1, 41)]
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert halves["values"][-1] == ("Desa 40", "Jl. A; No. 40", 40)


def test_a_cell_with_a_line_break_before_the_split_leaves_the_rest_to_this_process(
    tmp_path, merges
):
    lines = ["Nama;Catatan;Jumlah"] + [f"Desa {i};catatan;{i}" for i in range(1, 41)]
    lines[3] = 'Desa 3;"baris satu\nbaris dua";3'  # one row over two lines
    lines[38] += ";lebih"  # a problem after it, numbered as one pass numbers it
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == []  # the child's work was dropped
    assert halves == whole
    assert halves["values"][2] == ("Desa 3", "baris satu\nbaris dua", 3)
    assert [row for row, _message in halves["problems"]] == [39]


def test_a_cell_with_a_line_break_after_the_split_is_read_by_the_child(tmp_path, merges):
    lines = ["Nama;Catatan;Jumlah"] + [f"Desa {i};catatan;{i}" for i in range(1, 41)]
    lines[35] = 'Desa 35;"baris satu\r\nbaris dua";35'
    lines[38] += ";lebih"
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert [row for row, _message in halves["problems"]] == [39]


CELLS = {
    "int": lambda rng, i: f"{rng.randrange(10**7):,}".replace(",", "."),
    "numeric": lambda rng, i: f"{rng.randrange(10**5) / 10:,}",
    "date": lambda rng, i: f"{1 + rng.randrange(28)}/{1 + rng.randrange(12)}/2023",
    "stamp": lambda rng, i: f"2023-01-{1 + rng.randrange(28):02d} 10:{rng.randrange(60):02d}",
    "text": lambda rng, i: rng.choice(["Kapuas", "Katingan", "Seruyan", "-", ""]),
    "empty": lambda rng, i: rng.choice(["", "-", "..."]),
    "quoted": lambda rng, i: rng.choice(["Jl. A; No. 1", 'kata "kutip"', "dua\nbaris", "x"]),
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.lists(
        st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=3), min_size=1, max_size=4
    ),
    rows=st.integers(min_value=8, max_value=60),
    seed=st.integers(min_value=0, max_value=10**6),
    ragged=st.booleans(),
)
def test_any_table_reads_the_same_in_two_halves_as_in_one(kinds, rows, seed, ragged):
    """Each column mixes a few kinds of cells, each kind over a run of rows: columns
    narrow in the first half, in the second, or turn text in either; quoted cells hold
    separators, quotes and line breaks."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([f"Kolom {k}" for k in range(len(kinds))])
    for i in range(rows):
        cells = [CELLS[column[i * len(column) // rows]](rng, i) for column in kinds]
        if ragged and rng.random() < 0.1:
            cells = cells[: rng.randrange(len(cells))] if rng.random() < 0.5 else [*cells, "x"]
        writer.writerow(cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        whole, halves = one_pass_and_two_halves(path)
    assert halves == whole


def test_a_column_empty_in_the_first_half_takes_the_second_halfs_type(tmp_path, merges):
    lines = ["Nama;Jumlah"] + [f"Desa {i};-" for i in range(1, 31)]
    lines += [f"Desa {i};{i}" for i in range(31, 41)]
    whole, halves = one_pass_and_two_halves(write(tmp_path, lines))
    assert merges == [True]
    assert halves == whole
    assert halves["columns"][1][1] == "int"
