"""Upload checks: the type is read from the content, never trusted from the name.

An upload is accepted only when its sniffed type is on the allowlist, its extension
agrees with that type, its name is harmless and its size is within the limit.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# kind -> (MIME type, extensions accepted for it)
ALLOWED = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpeg": ("image/jpeg", {"jpg", "jpeg"}),
    "gif": ("image/gif", {"gif"}),
    "webp": ("image/webp", {"webp"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {"pptx"},
    ),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "ole": ("application/vnd.ms-office", {"doc", "xls", "ppt"}),
    "csv": ("text/csv", {"csv"}),
}
_SAFE_NAME = re.compile(r"^[\w][\w .()\-]{0,150}\.[A-Za-z0-9]{1,5}$", re.UNICODE)
_DANGEROUS_EXTENSIONS = {
    "exe", "bat", "cmd", "com", "sh", "js", "html", "htm", "svg", "php", "py", "msi", "jar",
    "scr", "vbs", "ps1", "dll",
}  # fmt: skip


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def _sniff(head: bytes, upload) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    guess = filetype.guess(head)
    if guess is not None:
        return {
            "image/png": "png",
            "image/jpeg": "jpeg",
            "image/gif": "gif",
            "image/webp": "webp",
        }.get(guess.mime)
    if _looks_like_csv(head):
        return "csv"
    return None


def _sniff_zip(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {
                    "application/vnd.oasis.opendocument.text": "odt",
                    "application/vnd.oasis.opendocument.spreadsheet": "ods",
                }.get(mimetype)
            if "[Content_Types].xml" not in names:
                return None
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if any(n.startswith("ppt/") for n in names):
                return "pptx"
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError):
        return None
    finally:
        upload.seek(0)
    return None


def _looks_like_csv(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    if "<" in text[:200] and ("<script" in text.lower() or "<html" in text.lower()):
        return False
    first_line = text.splitlines()[0] if text.splitlines() else ""
    return any(sep in first_line for sep in (",", ";", "\t"))


def safe_filename(name: str) -> str:
    """The upload's base name if it is harmless, else a ValidationError."""
    name = unicodedata.normalize("NFC", name or "")
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    parts = base.lower().split(".")
    if (
        base != name
        or not _SAFE_NAME.match(base)
        or any(part in _DANGEROUS_EXTENSIONS for part in parts[1:])
    ):
        raise ValidationError(
            _(
                "The file name is not allowed. Use letters, digits, spaces, dots, "
                "hyphens and brackets, with one extension."
            ),
            code="bad_name",
        )
    return base


def check_upload(upload, *, max_bytes: int | None = None) -> CheckedUpload:
    """Validate an uploaded file (a Django UploadedFile or any file-like with .name)."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    name = safe_filename(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = _sniff(head, upload)
    if kind is None:
        raise ValidationError(
            _(
                "This type of file is not accepted. Accepted: PDF, images (PNG, JPEG, GIF, "
                "WebP), office documents and CSV/XLSX."
            ),
            code="bad_type",
        )
    content_type, extensions = ALLOWED[kind]
    extension = name.rsplit(".", 1)[-1].lower()
    if extension not in extensions:
        raise ValidationError(
            _("The file's extension (.%(ext)s) does not match its content (%(kind)s).")
            % {"ext": extension, "kind": kind.upper()},
            code="extension_mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=name, kind=kind, content_type=content_type, size=size, sha256=digest.hexdigest()
    )
