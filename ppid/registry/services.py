"""Every write to the registry that is a business action. Views, the API, the back office,
commands and tasks call these; each records an event (DESIGN.md, cross-cutting rules)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.core.events import diff_fields, event_record
from ppid.core.pagecache import public_pages_changed
from ppid.core.search import stem_text
from ppid.core.uploads import check_upload
from ppid.organizations.access import office_ids_for, role_in_office
from ppid.organizations.models import REGISTRY_MANAGERS, Body, Office

from . import rules
from .models import (
    Category,
    ConsequenceTest,
    DipEstablishment,
    Document,
    ExemptEntry,
    ImportJob,
    InformationItem,
)

ITEM_FIELDS = [
    "title",
    "summary",
    "category",
    "owner_unit",
    "responsible",
    "creation_time",
    "creation_place",
    "form_softcopy",
    "form_hardcopy",
    "retention",
    "media_type",
    "year",
]


def _record(**kwargs):
    """Record the event, and let cached public pages show the change once it commits."""
    event = event_record(**kwargs)
    public_pages_changed("registry")
    return event


def _require_manager(user, office: Office) -> str:
    if office.pk not in office_ids_for(user, REGISTRY_MANAGERS):
        raise PermissionDenied(_("You are not appointed to manage this office's registry."))
    return role_in_office(user, office)


def _validate_item_fields(fields: dict) -> None:
    errors = {}
    for name in ("title", "summary", "owner_unit", "responsible", "creation_time",
                 "creation_place", "retention"):  # fmt: skip
        if not str(fields.get(name) or "").strip():
            errors[name] = _("This field is required.")
    if fields.get("category") not in Category.values:
        errors["category"] = _("Choose berkala, serta merta or setiap saat.")
    year = fields.get("year")
    if not isinstance(year, int) or not 1945 <= year <= timezone.localdate().year + 1:
        errors["year"] = _("Enter a year between 1945 and next year.")
    if not (fields.get("form_softcopy") or fields.get("form_hardcopy")):
        errors["form_softcopy"] = _("Choose at least one available form.")
    if errors:
        raise ValidationError(errors)


def item_search_text(item: InformationItem) -> str:
    parts = [item.title, item.summary, item.owner_unit]
    parts += [d.title for d in item.documents.all() if d.is_active]
    parts += [d.extracted_text for d in item.documents.all() if d.is_active and d.extracted_text]
    return stem_text(" ".join(parts))


def item_reindex(*, item: InformationItem) -> None:
    InformationItem.objects.filter(pk=item.pk).update(search_text=item_search_text(item))
    public_pages_changed("registry")


@transaction.atomic
def item_create(*, user, office: Office, fields: dict, publish: bool = False) -> InformationItem:
    role = _require_manager(user, office)
    fields = {k: fields[k] for k in ITEM_FIELDS if k in fields}
    _validate_item_fields(fields)
    item = InformationItem(office=office, body=office.body, created_by=user, **fields)
    if item.category == Category.BERKALA:
        item.last_reviewed = timezone.localdate()
        item.next_review = rules.next_review_date(item.last_reviewed)
    item.search_text = stem_text(f"{item.title} {item.summary} {item.owner_unit}")
    item.save()
    _record(subject=item, action="created", actor=user, actor_role=role, changes=fields)
    if publish or item.category == Category.SERTA_MERTA:
        # F3: serta merta information is published at once; no approval step may block it.
        _publish(item, user=user, role=role)
    return item


def _publish(item: InformationItem, *, user, role: str) -> None:
    item.status = InformationItem.Status.PUBLISHED
    item.published_at = timezone.now()
    item.withdrawn_reason = ""
    item.save(update_fields=["status", "published_at", "withdrawn_reason", "updated_at"])
    _record(subject=item, action="published", actor=user, actor_role=role)


@transaction.atomic
def item_update(*, user, item: InformationItem, fields: dict, reason: str = "") -> InformationItem:
    role = _require_manager(user, item.office)
    item = InformationItem.objects.select_for_update().get(pk=item.pk)
    before = {k: getattr(item, k) for k in ITEM_FIELDS}
    after = {**before, **{k: fields[k] for k in ITEM_FIELDS if k in fields}}
    _validate_item_fields(after)
    changes = diff_fields(before, after)
    if not changes:
        return item
    for key, value in after.items():
        setattr(item, key, value)
    if item.category == Category.BERKALA:
        # F2: an update to a berkala item is a review: the six-month clock restarts.
        item.last_reviewed = timezone.localdate()
        item.next_review = rules.next_review_date(item.last_reviewed)
    item.save()
    item_reindex(item=item)
    _record(
        subject=item, action="updated", actor=user, actor_role=role, reason=reason, changes=changes
    )
    return item


@transaction.atomic
def item_publish(*, user, item: InformationItem) -> InformationItem:
    role = _require_manager(user, item.office)
    item = InformationItem.objects.select_for_update().get(pk=item.pk)
    if item.status == InformationItem.Status.PUBLISHED:
        raise ValidationError(_("This item is already published."))
    _publish(item, user=user, role=role)
    return item


@transaction.atomic
def item_withdraw(*, user, item: InformationItem, reason: str) -> InformationItem:
    role = _require_manager(user, item.office)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing this item.")})
    item = InformationItem.objects.select_for_update().get(pk=item.pk)
    if item.status != InformationItem.Status.PUBLISHED:
        raise ValidationError(_("Only a published item can be withdrawn."))
    item.status = InformationItem.Status.WITHDRAWN
    item.withdrawn_reason = reason.strip()
    item.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    _record(subject=item, action="withdrawn", actor=user, actor_role=role, reason=reason)
    return item


@transaction.atomic
def item_review(
    *, user, item: InformationItem, next_review: datetime.date | None = None, note: str = ""
) -> InformationItem:
    """Record that a berkala item was reviewed and is still correct (F2)."""
    role = _require_manager(user, item.office)
    item = InformationItem.objects.select_for_update().get(pk=item.pk)
    if item.category != Category.BERKALA:
        raise ValidationError(_("Only berkala items carry a review date."))
    today = timezone.localdate()
    next_review = next_review or rules.next_review_date(today)
    if not rules.review_date_is_valid(today, next_review):
        raise ValidationError(
            {"next_review": _("The next review must be within six months (UU 14/2008 Pasal 9).")}
        )
    old = item.next_review
    item.last_reviewed, item.next_review = today, next_review
    item.save(update_fields=["last_reviewed", "next_review", "updated_at"])
    _record(
        subject=item,
        action="reviewed",
        actor=user,
        actor_role=role,
        reason=note,
        changes={"next_review": [str(old) if old else None, str(next_review)]},
    )
    return item


@transaction.atomic
def document_attach_file(*, user, item: InformationItem, upload, title: str = "") -> Document:
    role = _require_manager(user, item.office)
    checked = check_upload(upload)  # raises ValidationError before anything is stored
    document = Document(
        item=item,
        kind=Document.Kind.FILE,
        title=(title or checked.name)[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        extraction=Document.Extraction.PENDING
        if checked.kind == "pdf"
        else Document.Extraction.NONE,
    )
    document.file.save(checked.name, upload, save=False)
    document.save()
    _record(
        subject=item,
        action="document_added",
        actor=user,
        actor_role=role,
        changes={"document": document.title, "sha256": checked.sha256},
    )
    if document.extraction == Document.Extraction.PENDING:
        from .tasks import extract_document_text

        doc_id = document.pk
        transaction.on_commit(lambda: extract_document_text.enqueue(doc_id))
    return document


@transaction.atomic
def document_attach_link(*, user, item: InformationItem, url: str, title: str) -> Document:
    role = _require_manager(user, item.office)
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter a valid http(s) link.")}) from exc
    if not title.strip():
        raise ValidationError({"title": _("This field is required.")})
    document = Document.objects.create(item=item, kind=Document.Kind.LINK, url=url, title=title)
    _record(subject=item, action="link_added", actor=user, actor_role=role, changes={"url": url})
    return document


@transaction.atomic
def document_deactivate(*, user, document: Document, reason: str) -> Document:
    """Documents are never deleted: a removed one is kept, inactive, with the reason."""
    role = _require_manager(user, document.item.office)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing this document.")})
    document.is_active = False
    document.save(update_fields=["is_active"])
    item_reindex(item=document.item)
    _record(
        subject=document.item,
        action="document_removed",
        actor=user,
        actor_role=role,
        reason=reason,
        changes={"document": document.title},
    )
    return document


def document_extract(*, document: Document) -> Document:
    """Extract a PDF's text for search (run by the background task)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with document.file.open("rb") as handle:
            reader = PdfReader(handle)
            text = "\n".join((page.extract_text() or "") for page in reader.pages[:200])
        document.extracted_text = text[:500_000]
        document.extraction = Document.Extraction.DONE
    except (PdfReadError, OSError, ValueError, KeyError):
        document.extraction = Document.Extraction.FAILED
    document.save(update_fields=["extracted_text", "extraction"])
    item_reindex(item=document.item)
    return document


def dip_rows(body: Body) -> list[dict]:
    """The body's live DIP as plain rows, grouped by category (F49)."""
    from .queries import dip_items

    rows = []
    for number, item in enumerate(dip_items(body=body), start=1):
        rows.append(
            {
                "no": number,
                "uid": str(item.uid),
                "category": item.category,
                "title": item.title,
                "summary": item.summary,
                "office": item.office.name,
                "owner_unit": item.owner_unit,
                "responsible": item.responsible,
                "creation_time": item.creation_time,
                "creation_place": item.creation_place,
                "forms": item.forms_display,
                "retention": item.retention,
                "media_type": item.media_type,
                "year": item.year,
                "is_demo": item.is_demo,
            }
        )
    return rows


@transaction.atomic
def dip_establish(
    *, user, body: Body, sk_number: str, sk_date: datetime.date, year: int
) -> DipEstablishment:
    """Freeze the body's live DIP as a numbered, dated version (SK penetapan DIP)."""
    utama = body.offices.filter(kind=Office.Kind.UTAMA).first()
    if utama is None:
        raise ValidationError(_("This body has no PPID Utama."))
    role = _require_manager(user, utama)
    if not sk_number.strip():
        raise ValidationError({"sk_number": _("This field is required.")})
    # Lock the body row so two officers cannot take the same version number.
    Body.objects.select_for_update().filter(pk=body.pk).first()
    last = DipEstablishment.objects.filter(body=body).aggregate(v=Max("version"))["v"] or 0
    version = DipEstablishment.objects.create(
        body=body,
        version=last + 1,
        sk_number=sk_number.strip(),
        sk_date=sk_date,
        year=year,
        rows=dip_rows(body),
        established_by=user,
    )
    _record(
        subject=version,
        action="established",
        actor=user,
        actor_role=role,
        changes={"rows": len(version.rows), "sk_number": version.sk_number},
    )
    return version


@transaction.atomic
def exempt_entry_create(
    *, user, office: Office, test_fields: dict, entry_fields: dict
) -> ExemptEntry:
    """Record a consequence test and the DIK entry it justifies (F7, F10, F50)."""
    role = _require_manager(user, office)
    test = ConsequenceTest(office=office, **test_fields)
    test.full_clean()
    if test.conclusion == ConsequenceTest.Conclusion.OPEN:
        raise ValidationError(
            {"conclusion": _("The consequence test concluded the information is open.")}
        )
    test.save()
    entry = ExemptEntry(office=office, body=office.body, consequence_test=test, **entry_fields)
    if entry.ground in ("g", "h"):
        entry.exempt_until = None  # F9: not time-limited
    entry.full_clean()
    entry.save()
    _record(
        subject=entry,
        action="created",
        actor=user,
        actor_role=role,
        changes={"ground": entry.ground, "information": entry.information},
    )
    return entry


# --- Bulk import (XLSX): validate everything first, then write all rows or none. ---


@transaction.atomic
def exempt_entry_withdraw(*, user, entry: ExemptEntry, reason: str) -> ExemptEntry:
    """Take an entry off the DIK (its period ended, or an objection or the Information
    Commission opened the information: F4, UU 14/2008 Pasal 11(2)). The entry and its
    consequence test are kept, inactive, with the reason in its history."""
    role = _require_manager(user, entry.office)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for taking this entry off the list.")})
    entry = ExemptEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_active:
        raise ValidationError(_("This entry is already off the list."))
    entry.is_active = False
    entry.save(update_fields=["is_active"])
    _record(subject=entry, action="withdrawn", actor=user, actor_role=role, reason=reason.strip())
    return entry


@transaction.atomic
def import_job_create(*, user, office: Office, upload) -> ImportJob:
    """Check and parse an uploaded sheet into a job holding cleaned rows and a per-row
    error report. No item is written here."""
    from . import importer

    _require_manager(user, office)
    checked = check_upload(upload)
    if checked.kind != "xlsx":
        raise ValidationError(
            {"file": _("Upload the XLSX template (.xlsx); this file is %(kind)s.")
             % {"kind": checked.kind.upper()}}
        )  # fmt: skip
    try:
        parsed = importer.parse_workbook(upload)
    except importer.WorkbookError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    for row in parsed.rows:
        # The service's own rules are the last word: the same check item_create makes.
        try:
            _validate_item_fields(row)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = importer.FIELD_TO_HEADER.get(name, name)
                for message in messages:
                    parsed.add_error(row["row"], column, message)
    bad_rows = {error["row"] for error in parsed.errors}
    rows = [row for row in parsed.rows if row["row"] not in bad_rows]
    return ImportJob.objects.create(
        office=office,
        file_name=checked.name,
        sha256=checked.sha256,
        status=ImportJob.Status.INVALID if parsed.errors else ImportJob.Status.VALIDATED,
        total=len(rows) + len(bad_rows),
        rows=rows if not parsed.errors else [],
        errors=sorted(parsed.errors, key=lambda e: (e["row"], e["column"])),
        created_by=user,
    )


@transaction.atomic
def import_job_confirm(*, user, job: ImportJob) -> ImportJob:
    """Queue a validated job; the task starts once this transaction commits."""
    _require_manager(user, job.office)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.VALIDATED:
        raise ValidationError(_("Only a validated import without errors can be started."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    from .tasks import run_import

    job_id = job.pk
    transaction.on_commit(lambda: run_import.enqueue(job_id))
    return job


IMPORT_PROGRESS_EVERY = 25


def import_progress_key(job: ImportJob) -> str:
    return f"registry:import:{job.uid}:processed"


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Write every row of a queued job in one transaction: all rows or none.

    Progress inside that transaction is invisible to other database connections (and on
    SQLite a second writer would wait for the lock), so the running count goes to the
    cache; the job row records the outcome once the transaction ends. Safe to run twice:
    only a queued job is picked up.
    """
    from django.core.cache import cache

    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, processed=0
        )
    job.refresh_from_db()
    if not claimed:
        return job
    user = job.created_by
    key = import_progress_key(job)
    try:
        with transaction.atomic():
            office = Office.objects.get(pk=job.office_id)
            for done, row in enumerate(job.rows, start=1):
                fields = {k: v for k, v in row.items() if k in ITEM_FIELDS}
                item_create(user=user, office=office, fields=fields, publish=row.get("publish"))
                if done % IMPORT_PROGRESS_EVERY == 0:
                    cache.set(key, done, 3600)
            job.status = ImportJob.Status.DONE
            job.processed = len(job.rows)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "processed", "finished_at"])
            _record(
                subject=job,
                action="imported",
                actor=user,
                actor_role=role_in_office(user, office),
                changes={"rows": job.processed, "file": job.file_name},
            )
    except (ValidationError, PermissionDenied) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            processed=0,
            failure=message[:2000],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
    finally:
        cache.delete(key)
    return job


__all__ = [
    "document_attach_file",
    "document_attach_link",
    "document_deactivate",
    "dip_establish",
    "exempt_entry_create",
    "import_job_confirm",
    "import_job_create",
    "import_job_run",
    "item_create",
    "item_publish",
    "item_review",
    "item_update",
    "item_withdraw",
]
