"""Access to registry records: every view, API endpoint, export and download goes through
these. Another office's record answers 404, exactly like a missing one (STYLE.md §3)."""

from django.core.exceptions import ValidationError
from django.http import Http404

from ppid.organizations.access import office_ids_for, offices_for
from ppid.organizations.models import REGISTRY_MANAGERS, REGISTRY_READERS, Body

from .models import DipEstablishment, Document, ExemptEntry, ImportJob, InformationItem


def items_for_staff(user, *, manage: bool = False):
    roles = REGISTRY_MANAGERS if manage else REGISTRY_READERS
    if user.is_authenticated and user.is_superuser:
        return InformationItem.objects.all()
    return InformationItem.objects.filter(office_id__in=office_ids_for(user, roles))


def item_for_staff(user, uid, *, manage: bool = False) -> InformationItem:
    try:
        return items_for_staff(user, manage=manage).select_related("office", "body").get(uid=uid)
    except (InformationItem.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def item_for_public(uid) -> InformationItem:
    try:
        return (
            InformationItem.objects.published()
            .select_related("office", "body", "office__parent")
            .get(uid=uid)
        )
    except (InformationItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def document_for_viewer(user, uid) -> Document:
    """A published item's active document for anyone; any document for its office's staff."""
    try:
        document = Document.objects.select_related("item").get(uid=uid, kind=Document.Kind.FILE)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    public = document.is_active and document.item.status == InformationItem.Status.PUBLISHED
    if public or items_for_staff(user).filter(pk=document.item_id).exists():
        return document
    raise Http404


def exempt_entries_for_staff(user):
    if user.is_authenticated and user.is_superuser:
        return ExemptEntry.objects.all()
    return ExemptEntry.objects.filter(office_id__in=office_ids_for(user, REGISTRY_READERS))


def exempt_entry_for_staff(user, uid, *, manage: bool = False) -> ExemptEntry:
    roles = REGISTRY_MANAGERS if manage else REGISTRY_READERS
    entries = (
        ExemptEntry.objects.all()
        if user.is_authenticated and user.is_superuser
        else ExemptEntry.objects.filter(office_id__in=office_ids_for(user, roles))
    )
    try:
        return entries.get(uid=uid)
    except (ExemptEntry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def bodies_for_staff(user):
    """Bodies whose DIP versions the user may see: those of the offices he reads."""
    if user.is_authenticated and user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(
        pk__in=offices_for(user, REGISTRY_READERS).values("body_id")
    ).distinct()


def body_for_staff(user, slug) -> Body:
    try:
        return bodies_for_staff(user).get(slug=slug)
    except (Body.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def dip_versions_for_staff(user, body: Body):
    body_for_staff(user, body.slug)
    return DipEstablishment.objects.filter(body=body)


def import_job_for_staff(user, uid) -> ImportJob:
    """Import jobs are seen only by the managers of the job's office."""
    try:
        return (
            ImportJob.objects.select_related("office", "created_by")
            .filter(office_id__in=office_ids_for(user, REGISTRY_MANAGERS))
            .get(uid=uid)
        )
    except (ImportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
