"""Uploads are judged by content, not by name (DESIGN.md: checked by content, size, type)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ppid.core.uploads import check_upload, safe_filename

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("laporan.pdf", PDF, "pdf"),
        ("foto.png", PNG, "png"),
        ("data.xlsx", XLSX, "xlsx"),
        ("surat.docx", DOCX, "docx"),
        ("surat.odt", ODT, "odt"),
        ("data.csv", b"kabupaten;jumlah\nKapuas;1\n", "csv"),
        ("Laporan Tahunan (2024).pdf", PDF, "pdf"),
    ],
)
def test_it_accepts_allowed_types_by_content(name, content, kind):
    checked = check_upload(SimpleUploadedFile(name, content))
    assert checked.kind == kind
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("foto.pdf", PNG, "extension_mismatch"),  # a lying extension
        ("program.pdf", ELF, "bad_type"),  # a wrong type
        ("kosong.pdf", b"", "empty"),
        ("../../etc/passwd.pdf", PDF, "bad_name"),
        ("laporan.pdf.exe", PDF, "bad_name"),
        ("<script>.pdf", PDF, "bad_name"),
        (".htaccess", PDF, "bad_name"),
        ("page.html", b"<html><script>alert(1)</script></html>", "bad_name"),
        ("arsip.zip", _zip({"a.txt": b"x"}), "bad_type"),
        ("data.csv", b"<html><script>alert(1)</script>,x\n", "bad_type"),
    ],
)
def test_it_rejects_bad_uploads(name, content, code):
    # A raw file object keeps the name exactly as the client sent it (Django's
    # UploadedFile would already strip the directories of "../../etc/passwd.pdf").
    upload = io.BytesIO(content)
    upload.name = name
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload)
    assert excinfo.value.code == code


def test_it_rejects_oversize_files():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("besar.pdf", PDF + b"0" * 2048), max_bytes=1024)
    assert excinfo.value.code == "too_large"


def test_safe_filename_keeps_indonesian_names():
    assert safe_filename("Daftar Informasi Publik 2026.pdf") == "Daftar Informasi Publik 2026.pdf"
