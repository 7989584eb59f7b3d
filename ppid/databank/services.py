"""Every write to the data bank that is a business action. Views, the back office, the API,
commands and tasks call these; each records an event on the dataset (DESIGN.md, cross-cutting
rules). Nothing is hard-deleted: a withdrawn dataset and a removed resource stay, with the
reason, and a replaced file is kept as a ResourceVersion.

Dataset events are core.Event rows keyed by Dataset.seq (Event.object_id is an integer,
Dataset.id a UUID): record them with _record and read them with dataset_events.
"""

import contextlib
import hashlib
import json
import logging
import mimetypes
import posixpath
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ppid.core.events import diff_fields, event_record
from ppid.core.models import Event
from ppid.core.pagecache import public_pages_changed
from ppid.core.search import stem_text
from ppid.core.uploads import check_upload, safe_filename
from ppid.organizations.models import Office, Role

from . import access
from .models import (
    TABULAR_FORMATS,
    Dataset,
    Group,
    HarvestRun,
    HarvestSource,
    Indicator,
    Licence,
    Resource,
    ResourceVersion,
    Tag,
    dataset_insert,
)
from .progress import IngestProgress

logger = logging.getLogger(__name__)

DATASET_FIELDS = [
    "name", "title", "notes", "url", "version", "author", "author_email", "maintainer",
    "maintainer_email", "licence_id", "private", "walidata", "pembina_data", "kode_wilayah",
    "tingkat_penyajian", "tahun_data", "periode", "frekuensi", "satuan", "konsep", "definisi",
    "metode_perhitungan", "interpretasi", "klasifikasi_penyajian", "sumber_data",
    "kegiatan_statistik",
]  # fmt: skip
INDICATOR_FIELDS = ["name", "definition", "unit", "formula"]
MAX_TAGS = 50

# Format names by the kind core.uploads sniffs from the content.
_KIND_FORMAT = {
    "pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP", "docx": "DOCX",
    "xlsx": "XLSX", "pptx": "PPTX", "odt": "ODT", "ods": "ODS", "csv": "CSV",
}  # fmt: skip
_OLE_FORMAT = {"doc": "DOC", "xls": "XLS", "ppt": "PPT"}
_JSON_EXTENSIONS = {
    "json": ("JSON", "application/json"),
    "geojson": ("GEOJSON", "application/geo+json"),
}
_LINK_FORMATS = {
    "csv": "CSV", "xlsx": "XLSX", "xls": "XLS", "json": "JSON", "geojson": "GEOJSON",
    "pdf": "PDF", "xml": "XML", "zip": "ZIP", "shp": "SHP", "kml": "KML", "ods": "ODS",
    "docx": "DOCX", "html": "HTML", "htm": "HTML", "txt": "TXT", "rdf": "RDF", "ttl": "TTL",
}  # fmt: skip


# --- events ------------------------------------------------------------------------------
def _record(*, dataset: Dataset, action: str, actor=None, actor_role="", reason="", changes=None):
    """Record one state change of a dataset (or of one of its resources), and let cached
    public pages show it once it commits."""
    event = Event.objects.create(
        content_type=ContentType.objects.get_for_model(Dataset),
        object_id=dataset.seq,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=actor_role,
        reason=reason,
        changes=changes or {},
    )
    if (
        action in PRODUCER_CHANGES
        and actor_role == Role.DATA_PRODUCER
        and dataset.status == Dataset.Status.PUBLISHED
        and not dataset.changed_since_check
    ):
        dataset.changed_since_check = True
        Dataset.objects.filter(pk=dataset.pk).update(changed_since_check=True)
    public_pages_changed("databank")
    return event


# A producer's change to a published dataset stays public at once (a correction should
# not take the data offline) and puts the dataset back in the walidata's queue, who
# checks it (dataset_check) or withdraws it: the walidata still sees everything the
# public sees (Satu Data: the walidata checks what producers disseminate).
PRODUCER_CHANGES = frozenset(
    {"updated", "resource_added", "resource_updated", "resource_replaced", "resource_removed"}
)


EVENT_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Metadata changed"),
    "submitted": gettext_lazy("Submitted to the walidata"),
    "verified": gettext_lazy("Verified by the walidata"),
    "checked": gettext_lazy("Changes checked by the walidata"),
    "returned": gettext_lazy("Returned to the producer"),
    "published": gettext_lazy("Published"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "resource_added": gettext_lazy("Resource added"),
    "resource_updated": gettext_lazy("Resource changed"),
    "resource_replaced": gettext_lazy("File replaced"),
    "resource_removed": gettext_lazy("Resource removed"),
    "resource_ingested": gettext_lazy("Read into the datastore"),
    "resource_ingest_failed": gettext_lazy("Could not be read into the datastore"),
    "harvest_created": gettext_lazy("Harvested from another portal"),
    "harvest_updated": gettext_lazy("Updated from the harvested portal"),
}


def dataset_events(dataset: Dataset) -> list[Event]:
    """The dataset's timeline, oldest first, each event with a readable `label`."""
    events = list(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Dataset), object_id=dataset.seq
        ).select_related("actor")
    )
    for event in events:
        event.label = str(EVENT_LABELS.get(event.action, event.action))
    return events


def _touch(dataset: Dataset) -> None:
    dataset.modified_at = timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(modified_at=dataset.modified_at)


# --- roles -------------------------------------------------------------------------------
def _require_producer(user, office: Office) -> str:
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in first."))
    if not (user.is_superuser or office.pk in access.producer_office_ids(user)):
        raise PermissionDenied(_("You are not appointed as a data producer of this office."))
    return "superuser" if user.is_superuser else Role.DATA_PRODUCER


def _require_walidata(user, dataset: Dataset) -> str:
    if not access.can_verify(user, dataset):
        raise PermissionDenied(_("You are not appointed as walidata for this dataset."))
    return "superuser" if user.is_superuser else Role.WALIDATA


def _require_editable(user, dataset: Dataset) -> str:
    role = _require_producer(user, dataset.office)
    if not dataset.is_editable:
        raise ValidationError(
            _("A dataset that is %(status)s cannot be changed.")
            % {"status": dataset.get_status_display().lower()}
        )
    return role


def _locked(dataset: Dataset) -> Dataset:
    return Dataset.objects.select_for_update().select_related("office").get(pk=dataset.pk)


# --- search text -------------------------------------------------------------------------
def dataset_search_text(dataset: Dataset) -> str:
    """What the full-text index reads: title and name (twice, as CKAN weighs them), tags and
    groups, notes, the agency, the Satu Data texts, indicators and the active resources."""
    parts = [dataset.title, dataset.title, dataset.name.replace("-", " ").replace("_", " ")]
    if dataset.pk and not dataset._state.adding:
        parts += [t.name for t in dataset.tags.all()]
        parts += [g.title for g in dataset.groups.all()]
        parts += [i.name for i in dataset.indicators.all()]
        for resource in dataset.resources.filter(state=Resource.State.ACTIVE):
            parts += [resource.name, resource.description, resource.format]
    parts += [
        dataset.notes,
        dataset.organization.name if dataset.organization_id else "",
        dataset.organization.short_name if dataset.organization_id else "",
        dataset.satuan,
        dataset.konsep,
        dataset.definisi,
        dataset.sumber_data,
        dataset.kegiatan_statistik,
        dataset.periode,
        str(dataset.tahun_data or ""),
    ]
    return stem_text(" ".join(p for p in parts if p))


def dataset_reindex(*, dataset: Dataset) -> None:
    dataset.search_text = dataset_search_text(dataset)
    Dataset.objects.filter(pk=dataset.pk).update(search_text=dataset.search_text)


# --- datasets ----------------------------------------------------------------------------
def _clean_fields(fields: dict) -> dict:
    fields = {k: fields[k] for k in DATASET_FIELDS if k in fields}
    if "licence" in fields:
        fields["licence_id"] = fields.pop("licence")
    for key, value in list(fields.items()):
        if isinstance(value, str):
            fields[key] = value.strip()
    if "tahun_data" in fields:
        year = fields["tahun_data"]
        if year in ("", None):
            fields["tahun_data"] = None
        else:
            try:
                fields["tahun_data"] = int(year)
            except (TypeError, ValueError) as exc:
                raise ValidationError(
                    {"tahun_data": _("Enter a year between 1900 and 2100.")}
                ) from exc
    return fields


def _validate(dataset: Dataset) -> None:
    errors = {}
    if dataset.licence_id and not Licence.objects.filter(pk=dataset.licence_id).exists():
        errors["licence"] = [_("Choose a licence from the list.")]
    if dataset.tahun_data is not None and not 1900 <= dataset.tahun_data <= 2100:
        errors["tahun_data"] = [_("Enter a year between 1900 and 2100.")]
    try:
        dataset.full_clean(exclude=["licence", "office", "organization", "created_by"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _tags(names) -> list[Tag]:
    cleaned = []
    for name in names or []:
        name = " ".join(str(name).split())[:100]
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(n)s tags.") % {"n": MAX_TAGS}})
    tags = []
    for name in cleaned:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag(name=name)
            try:
                tag.full_clean()
            except ValidationError as exc:
                raise ValidationError({"tags": exc.messages}) from exc
            tag.save()
        tags.append(tag)
    return tags


def _groups(groups) -> list[Group]:
    result = []
    for group in groups or []:
        if isinstance(group, Group):
            result.append(group)
            continue
        found = Group.objects.filter(name=str(group)).first()
        if found is None:
            raise ValidationError({"groups": _("Unknown group: %(name)s") % {"name": group}})
        result.append(found)
    return result


def _set_indicators(dataset: Dataset, indicators) -> list[dict]:
    rows = []
    for row in indicators or []:
        row = {k: str(row.get(k) or "").strip() for k in INDICATOR_FIELDS}
        if not row["name"]:
            if any(row.values()):
                raise ValidationError({"indicators": _("Every indicator needs a name.")})
            continue
        rows.append(row)
    dataset.indicators.all().delete()
    Indicator.objects.bulk_create(
        [Indicator(dataset=dataset, position=i, **row) for i, row in enumerate(rows)]
    )
    return rows


@transaction.atomic
def dataset_create(
    *, user, office: Office, fields: dict, groups=None, tags=None, indicators=None,
    is_demo: bool = False,
) -> Dataset:  # fmt: skip
    """A new draft dataset of `office`'s agency, by one of its data producers."""
    role = _require_producer(user, office)
    fields = _clean_fields(fields)
    now = timezone.now()
    dataset = Dataset(
        office=office,
        organization=office.body,
        created_by=user,
        created_at=now,
        modified_at=now,
        is_demo=is_demo,
        **fields,
    )
    _validate(dataset)
    group_list, tag_list = _groups(groups), _tags(tags)
    dataset_insert(dataset)
    dataset.groups.set(group_list)
    dataset.tags.set(tag_list)
    indicator_rows = _set_indicators(dataset, indicators)
    dataset_reindex(dataset=dataset)
    changes = {k: v for k, v in diff_fields({}, fields).items()}
    changes["groups"] = [None, [g.name for g in group_list]]
    changes["tags"] = [None, [t.name for t in tag_list]]
    if indicator_rows:
        changes["indicators"] = [None, [r["name"] for r in indicator_rows]]
    _record(dataset=dataset, action="created", actor=user, actor_role=role, changes=changes)
    return dataset


@transaction.atomic
def dataset_update(
    *, user, dataset: Dataset, fields: dict, groups=None, tags=None, indicators=None,
    reason: str = "",
) -> Dataset:  # fmt: skip
    """Change a draft, returned or published dataset's metadata (None leaves groups, tags
    and indicators as they are)."""
    dataset = _locked(dataset)
    role = _require_editable(user, dataset)
    fields = _clean_fields(fields)
    before = {k: getattr(dataset, k) for k in fields}
    for key, value in fields.items():
        setattr(dataset, key, value)
    _validate(dataset)
    changes = diff_fields(before, fields)
    if groups is not None:
        new = _groups(groups)
        old = sorted(dataset.groups.values_list("name", flat=True))
        if sorted(g.name for g in new) != old:
            changes["groups"] = [old, sorted(g.name for g in new)]
            dataset.groups.set(new)
    if tags is not None:
        new = _tags(tags)
        old = sorted(dataset.tags.values_list("name", flat=True))
        if sorted(t.name for t in new) != old:
            changes["tags"] = [old, sorted(t.name for t in new)]
            dataset.tags.set(new)
    if indicators is not None:
        old = [{k: getattr(i, k) for k in INDICATOR_FIELDS} for i in dataset.indicators.all()]
        rows = _set_indicators(dataset, indicators)
        if rows != old:
            changes["indicators"] = [[r["name"] for r in old], [r["name"] for r in rows]]
    if not changes:
        return dataset
    dataset.modified_at = timezone.now()
    dataset.save()
    dataset_reindex(dataset=dataset)
    _record(
        dataset=dataset,
        action="updated",
        actor=user,
        actor_role=role,
        reason=reason,
        changes=changes,
    )
    return dataset


@transaction.atomic
def dataset_submit(*, user, dataset: Dataset, note: str = "") -> Dataset:
    """The producer sends a draft (or a returned dataset) to the walidata."""
    dataset = _locked(dataset)
    role = _require_producer(user, dataset.office)
    if dataset.status not in (Dataset.Status.DRAFT, Dataset.Status.RETURNED):
        raise ValidationError(_("Only a draft or a returned dataset can be submitted."))
    if not dataset.resources.filter(state=Resource.State.ACTIVE).exists():
        raise ValidationError(_("Add at least one file or link before submitting."))
    dataset.status = Dataset.Status.SUBMITTED
    dataset.modified_at = timezone.now()
    dataset.save(update_fields=["status", "modified_at"])
    _record(dataset=dataset, action="submitted", actor=user, actor_role=role, reason=note)
    return dataset


def _publish(dataset: Dataset, *, user, role: str) -> None:
    now = timezone.now()
    dataset.status = Dataset.Status.PUBLISHED
    dataset.published_at = dataset.published_at or now
    dataset.modified_at = now
    dataset.withdrawn_reason = ""
    dataset.changed_since_check = False
    dataset.save(
        update_fields=[
            "status", "published_at", "modified_at", "withdrawn_reason", "changed_since_check"
        ]
    )  # fmt: skip
    _record(dataset=dataset, action="published", actor=user, actor_role=role)


@transaction.atomic
def dataset_verify(*, user, dataset: Dataset, note: str = "") -> Dataset:
    """The walidata checked a submitted dataset: it is verified and published."""
    dataset = _locked(dataset)
    role = _require_walidata(user, dataset)
    if dataset.status != Dataset.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted dataset can be verified."))
    dataset.review_note = ""
    dataset.save(update_fields=["review_note"])
    _record(dataset=dataset, action="verified", actor=user, actor_role=role, reason=note.strip())
    _publish(dataset, user=user, role=role)
    return dataset


# The publication step: a dataset is published when the walidata verifies it.
dataset_publish = dataset_verify


@transaction.atomic
def dataset_check(*, user, dataset: Dataset, note: str = "") -> Dataset:
    """The walidata has checked a producer's changes to a published dataset: it leaves
    the queue (to undo a change, the walidata withdraws the dataset, with a reason)."""
    dataset = _locked(dataset)
    role = _require_walidata(user, dataset)
    if not dataset.awaits_check:
        raise ValidationError(
            _("Only a published dataset changed since the walidata's check can be checked.")
        )
    dataset.changed_since_check = False
    dataset.save(update_fields=["changed_since_check"])
    _record(dataset=dataset, action="checked", actor=user, actor_role=role, reason=note.strip())
    return dataset


@transaction.atomic
def dataset_return(*, user, dataset: Dataset, note: str) -> Dataset:
    """The walidata sends a submitted dataset back to its producer, saying what to fix."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the producer should correct.")})
    dataset = _locked(dataset)
    role = _require_walidata(user, dataset)
    if dataset.status != Dataset.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted dataset can be returned."))
    dataset.status = Dataset.Status.RETURNED
    dataset.review_note = note
    dataset.modified_at = timezone.now()
    dataset.save(update_fields=["status", "review_note", "modified_at"])
    _record(dataset=dataset, action="returned", actor=user, actor_role=role, reason=note)
    return dataset


@transaction.atomic
def dataset_withdraw(*, user, dataset: Dataset, reason: str) -> Dataset:
    """Take a published dataset off the public catalogue, keeping it and the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing this dataset.")})
    dataset = _locked(dataset)
    if not (access.can_edit(user, dataset, any_status=True) or access.can_verify(user, dataset)):
        raise PermissionDenied(_("You may not withdraw this dataset."))
    if dataset.status != Dataset.Status.PUBLISHED:
        raise ValidationError(_("Only a published dataset can be withdrawn."))
    role = (
        "superuser"
        if user.is_superuser
        else Role.WALIDATA
        if access.can_verify(user, dataset)
        else Role.DATA_PRODUCER
    )
    dataset.status = Dataset.Status.WITHDRAWN
    dataset.withdrawn_reason = reason
    dataset.modified_at = timezone.now()
    dataset.save(update_fields=["status", "withdrawn_reason", "modified_at"])
    _record(dataset=dataset, action="withdrawn", actor=user, actor_role=role, reason=reason)
    return dataset


# --- resources ---------------------------------------------------------------------------
def upload_max_bytes() -> int:
    """Data files run larger than documents: DATABANK_UPLOAD_MAX_BYTES (default 200 MB)."""
    return settings.DATABANK_UPLOAD_MAX_BYTES


def _looks_like_json(upload) -> bool:
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if b"\x00" in head:
        return False
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text[:1] in (b"{", b"[")


def _check_file(upload) -> dict:
    """Check an uploaded data file by its content (core.uploads, plus JSON and GeoJSON);
    return its name, format, media type, size and hash."""
    try:
        checked = check_upload(upload, max_bytes=upload_max_bytes())
    except ValidationError as exc:
        name = getattr(upload, "name", "") or ""
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if getattr(exc, "code", "") != "bad_type" or extension not in _JSON_EXTENSIONS:
            raise ValidationError({"file": exc.messages}) from exc
        if not _looks_like_json(upload):
            raise ValidationError(
                {"file": _("The file's extension (.%(ext)s) does not match its content.")
                 % {"ext": extension}}
            ) from exc  # fmt: skip
        digest, size = hashlib.sha256(), 0
        upload.seek(0)
        for chunk in iter(lambda: upload.read(65536), b""):
            digest.update(chunk)
            size += len(chunk)
        upload.seek(0)
        if size > upload_max_bytes():
            raise ValidationError(
                {"file": _("The file is too large: at most %(mb)s MB.")
                 % {"mb": upload_max_bytes() // (1024 * 1024)}}
            ) from exc  # fmt: skip
        fmt, mimetype = _JSON_EXTENSIONS[extension]
        return {
            "name": safe_filename(name),
            "format": fmt,
            "mimetype": mimetype,
            "size": size,
            "hash": f"sha256:{digest.hexdigest()}",
        }
    extension = checked.name.rsplit(".", 1)[-1].lower()
    fmt = _OLE_FORMAT.get(extension, "") if checked.kind == "ole" else _KIND_FORMAT[checked.kind]
    return {
        "name": checked.name,
        "format": fmt,
        "mimetype": checked.content_type,
        "size": checked.size,
        "hash": f"sha256:{checked.sha256}",
    }


def _check_link(url: str, fmt: str = "") -> dict:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter a valid http(s) link.")}) from exc
    fmt = (fmt or "").strip().upper()[:40]
    if not fmt:
        extension = posixpath.splitext(urlsplit(url).path)[1].lstrip(".").lower()
        fmt = _LINK_FORMATS.get(extension, "")
    mimetype = mimetypes.guess_type(urlsplit(url).path)[0] or ""
    return {"url": url, "format": fmt, "mimetype": mimetype}


def _enqueue_ingest(resource: Resource) -> None:
    from .tasks import resource_ingest

    resource_id = str(resource.pk)
    transaction.on_commit(lambda: resource_ingest.enqueue(resource_id))


def _ingest_status(resource: Resource) -> str:
    if resource.file and resource.format in TABULAR_FORMATS:
        return Resource.Datastore.PENDING
    return Resource.Datastore.NONE


@transaction.atomic
def resource_add(
    *, user, dataset: Dataset, upload=None, url: str = "", name: str = "",
    description: str = "", format: str = "",
) -> Resource:  # fmt: skip
    """Add a file (upload, checked by its content) or a link to a dataset."""
    dataset = _locked(dataset)
    role = _require_editable(user, dataset)
    if (upload is None) == (not (url or "").strip()):
        raise ValidationError({"file": _("Upload a file or give a link (one of the two).")})
    now = timezone.now()
    position = (dataset.resources.aggregate(p=Max("position"))["p"] or 0) + 1
    resource = Resource(
        dataset=dataset, position=position, description=(description or "").strip(),
        created_at=now, modified_at=now,
    )  # fmt: skip
    if upload is not None:
        info = _check_file(upload)
        resource.format = info["format"]
        resource.mimetype = info["mimetype"]
        resource.size = info["size"]
        resource.hash = info["hash"]
        resource.name = (name or "").strip()[:300] or info["name"]
        resource.file.save(info["name"], upload, save=False)
    else:
        info = _check_link(url, format)
        resource.url, resource.format, resource.mimetype = (
            info["url"],
            info["format"],
            info["mimetype"],
        )
        resource.name = (name or "").strip()[:300] or info["url"][:300]
    resource.datastore_status = _ingest_status(resource)
    resource.save()
    _touch(dataset)
    dataset_reindex(dataset=dataset)
    _record(
        dataset=dataset,
        action="resource_added",
        actor=user,
        actor_role=role,
        changes={
            "resource": str(resource.pk),
            "name": resource.name,
            "format": resource.format,
            "hash": resource.hash,
            "url": resource.url,
        },
    )
    if resource.datastore_status == Resource.Datastore.PENDING:
        _enqueue_ingest(resource)
    return resource


@transaction.atomic
def resource_update(*, user, resource: Resource, name: str, description: str = "") -> Resource:
    """Change a resource's name and description."""
    dataset = _locked(resource.dataset)
    role = _require_editable(user, dataset)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    changes = diff_fields(
        {"name": resource.name, "description": resource.description},
        {"name": name[:300], "description": (description or "").strip()},
    )
    if not changes:
        return resource
    resource.name, resource.description = name[:300], (description or "").strip()
    resource.modified_at = timezone.now()
    resource.save(update_fields=["name", "description", "modified_at"])
    _touch(dataset)
    dataset_reindex(dataset=dataset)
    changes["resource"] = str(resource.pk)
    _record(
        dataset=dataset, action="resource_updated", actor=user, actor_role=role, changes=changes
    )
    return resource


@transaction.atomic
def resource_replace(
    *, user, resource: Resource, upload=None, url: str = "", format: str = "", note: str = ""
) -> Resource:
    """Put a new file (or link) in place of a resource's; the old one is kept as a version."""
    dataset = _locked(resource.dataset)
    role = _require_editable(user, dataset)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.state != Resource.State.ACTIVE:
        raise ValidationError(_("A removed resource cannot be replaced."))
    if (upload is None) == (not (url or "").strip()):
        raise ValidationError({"file": _("Upload a file or give a link (one of the two).")})
    info = _check_file(upload) if upload is not None else _check_link(url, format)
    number = (resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    ResourceVersion.objects.create(
        resource=resource,
        number=number,
        file=resource.file.name if resource.file else "",
        url=resource.url,
        size=resource.size,
        hash=resource.hash,
        format=resource.format,
        created_by=user,
    )
    old = {"hash": resource.hash, "format": resource.format, "url": resource.url}
    if upload is not None:
        resource.url = ""
        resource.size, resource.hash = info["size"], info["hash"]
        resource.format, resource.mimetype = info["format"], info["mimetype"]
        resource.file.save(info["name"], upload, save=False)
    else:
        resource.file = ""
        resource.size, resource.hash = None, ""
        resource.url, resource.format, resource.mimetype = (
            info["url"], info["format"], info["mimetype"],
        )  # fmt: skip
    resource.modified_at = timezone.now()
    resource.row_count = None
    resource.datastore_columns = []
    resource.datastore_report = {}
    resource.datastore_status = _ingest_status(resource)
    resource.save()
    _touch(dataset)
    dataset_reindex(dataset=dataset)
    _record(
        dataset=dataset,
        action="resource_replaced",
        actor=user,
        actor_role=role,
        reason=note,
        changes={
            "resource": str(resource.pk),
            "version": number,
            **diff_fields(
                old, {"hash": resource.hash, "format": resource.format, "url": resource.url}
            ),
        },
    )
    if resource.datastore_status == Resource.Datastore.PENDING:
        _enqueue_ingest(resource)
    elif old["format"] in TABULAR_FORMATS:
        _drop_datastore_on_commit(resource)
    return resource


def _drop_datastore_on_commit(resource: Resource) -> None:
    resource_id = str(resource.pk)

    def drop():
        from . import datastore

        if datastore.exists(resource_id):
            datastore.drop(resource_id)

    transaction.on_commit(drop)


@transaction.atomic
def resource_remove(*, user, resource: Resource, reason: str) -> Resource:
    """Take a resource off its dataset: kept, marked deleted, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for removing this resource.")})
    dataset = _locked(resource.dataset)
    role = _require_editable(user, dataset)
    if resource.state == Resource.State.DELETED:
        return resource
    resource.state = Resource.State.DELETED
    resource.modified_at = timezone.now()
    resource.save(update_fields=["state", "modified_at"])
    _touch(dataset)
    dataset_reindex(dataset=dataset)
    _record(
        dataset=dataset,
        action="resource_removed",
        actor=user,
        actor_role=role,
        reason=reason,
        changes={"resource": str(resource.pk), "name": resource.name},
    )
    return resource


def resource_count_download(*, resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


def _open_upload(storage, file_name: str):
    """The stored file: by its path when the storage has one (a second process may then
    read it too, see datastore.fts_build), else opened through the storage."""
    try:
        path = storage.path(file_name)
    except NotImplementedError:
        return storage.open(file_name, "rb")
    return contextlib.nullcontext(path)


def resource_ingest_run(*, resource_id: str) -> str:
    """Read a tabular upload into the datastore (run by the background task). A file that
    cannot be read keeps being published as a download; its report names the row and the
    problem. Returns the datastore status."""
    from . import datastore, tabular

    with transaction.atomic():
        resource = (
            Resource.objects.select_for_update()
            .select_related("dataset")
            .filter(pk=resource_id)
            .first()
        )
        if resource is None or not resource.file or resource.format not in TABULAR_FORMATS:
            return "missing"
        if resource.state != Resource.State.ACTIVE:
            return "deleted"
        resource.datastore_status = Resource.Datastore.RUNNING
        resource.save(update_fields=["datastore_status"])
        file_name, fmt, file_hash = resource.file.name, resource.format, resource.hash
    report: dict = {"file_hash": file_hash, "started_at": timezone.now().isoformat()}
    columns: list = []
    rows = None
    status = Resource.Datastore.DONE
    progress = IngestProgress(resource.pk)
    try:
        progress.phase("reading")
        with _open_upload(resource.file.storage, file_name) as handle:
            table = tabular.read(handle, fmt=fmt.lower())
            columns = [{"id": c.id, "type": c.type} for c in table.columns]
            progress.phase("loading", total=table.row_count)
            rows = datastore.load(str(resource.pk), table, progress=progress.rows)
            report["problems"] = [{"row": p.row, "message": str(p.message)} for p in table.problems]
    except tabular.TabularError as exc:
        status = Resource.Datastore.FAILED
        row = getattr(exc, "row", None)
        message = str(getattr(exc, "message", "") or exc)
        report["problems"] = [{"row": row, "message": message}]
        report["error"] = message
    except Exception as exc:  # noqa: BLE001 - the file stays a download; the report says why
        logger.exception("datastore load of resource %s failed", resource_id)
        status = Resource.Datastore.FAILED
        message = _("The file could not be loaded into the datastore (%(error)s).") % {
            "error": exc.__class__.__name__
        }
        report["problems"] = [{"row": None, "message": message}]
        report["error"] = message
    finally:
        # The status written below says the rest; a page polling for the load reloads.
        progress.clear()
    report["finished_at"] = timezone.now().isoformat()
    with transaction.atomic():
        current = Resource.objects.select_for_update().filter(pk=resource_id).first()
        if current is None or current.hash != file_hash:
            # Replaced meanwhile: the replacement's own run fills the status.
            return "superseded"
        current.datastore_status = status
        current.datastore_report = json.loads(json.dumps(report, default=str))
        current.datastore_columns = columns
        current.row_count = rows
        current.save(
            update_fields=["datastore_status", "datastore_report", "datastore_columns", "row_count"]
        )
        _record(
            dataset=resource.dataset,
            action="resource_ingested"
            if status == Resource.Datastore.DONE
            else "resource_ingest_failed",
            changes={
                "resource": str(resource.pk),
                "rows": rows,
                "problems": len(report.get("problems") or []),
            },
            reason=report.get("error", ""),
        )
    return status


# --- harvest sources ---------------------------------------------------------------------
def _require_harvest_manager(user, office: Office) -> str:
    if not access.can_manage_harvest(user, office):
        raise PermissionDenied(_("You may not manage harvest sources of this office."))
    if user.is_superuser:
        return "superuser"
    return Role.WALIDATA if office.pk in access.walidata_office_ids(user) else Role.DATA_PRODUCER


@transaction.atomic
def harvest_source_create(*, user, office: Office, url: str, title: str) -> HarvestSource:
    """Register another CKAN portal whose datasets the office's agency will own here. The
    event is kept on the office (a source's key is a UUID, the event log's an integer)."""
    role = _require_harvest_manager(user, office)
    url = (url or "").strip().rstrip("/")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter a valid http(s) link.")}) from exc
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("This field is required.")})
    if HarvestSource.objects.filter(url=url, office=office, active=True).exists():
        raise ValidationError({"url": _("This portal is already a source of this office.")})
    source = HarvestSource.objects.create(
        url=url, title=title[:200], organization=office.body, office=office, created_by=user
    )
    event_record(
        subject=office,
        action="harvest_source_registered",
        actor=user,
        actor_role=role,
        changes={"source": str(source.pk), "url": url, "title": source.title},
    )
    return source


@transaction.atomic
def harvest_source_run(*, user, source: HarvestSource) -> HarvestRun:
    """Queue a harvest of the source now (harvest.run_harvest, in the background)."""
    from .harvest import harvest_enqueue

    role = _require_harvest_manager(user, source.office)
    if not source.active:
        raise ValidationError(_("This source is switched off."))
    if source.runs.filter(status=HarvestRun.Status.RUNNING).exists():
        raise ValidationError(_("A harvest of this source is already running."))
    run = harvest_enqueue(source=source)
    event_record(subject=run, action="harvest_requested", actor=user, actor_role=role,
                 changes={"source": str(source.pk)})  # fmt: skip
    return run


@transaction.atomic
def harvest_source_set_active(*, user, source: HarvestSource, active: bool) -> HarvestSource:
    """Switch a source off (no more runs; its datasets stay) or on again."""
    role = _require_harvest_manager(user, source.office)
    if source.active == active:
        return source
    source.active = active
    source.save(update_fields=["active"])
    event_record(
        subject=source.office,
        action="harvest_source_enabled" if active else "harvest_source_disabled",
        actor=user,
        actor_role=role,
        changes={"source": str(source.pk), "url": source.url},
    )
    return source
