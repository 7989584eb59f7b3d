"""Who sees and changes which dataset: every page, download, API action and export of the
data bank goes through these. A dataset the viewer may not see answers 404, exactly like a
missing one (STYLE.md §3).

- Anyone (anonymous, citizens, other agencies): published, non-private datasets.
- A DATA_PRODUCER of the dataset's office (or of a PPID office above it): all its datasets,
  drafts, private and withdrawn ones included; he edits drafts and returned ones, submits.
- A WALIDATA appointed at any office of a PPID Utama tree: every dataset of that tree that
  left the producer's hands (submitted, returned, published, withdrawn); he verifies or
  returns submitted datasets, and may withdraw published ones.
- Superusers: everything.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from ppid.organizations.access import office_ids_for, office_table, scope_memo
from ppid.organizations.models import Role

from .models import Dataset, HarvestSource, Resource

PRODUCER_ROLES = frozenset({Role.DATA_PRODUCER})
WALIDATA_ROLES = frozenset({Role.WALIDATA})
# Statuses a walidata sees: what was submitted to him, and what followed.
WALIDATA_STATUSES = (
    Dataset.Status.SUBMITTED,
    Dataset.Status.RETURNED,
    Dataset.Status.PUBLISHED,
    Dataset.Status.WITHDRAWN,
)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def producer_office_ids(user) -> set[int]:
    """Offices whose datasets `user` produces (his DATA_PRODUCER appointments, down the tree)."""
    if not _active(user):
        return set()
    return office_ids_for(user, PRODUCER_ROLES)


def walidata_office_ids(user) -> set[int]:
    """Offices whose datasets `user` verifies: the whole PPID Utama tree of every office
    where he is appointed WALIDATA (the province's walidata serves all its agencies)."""
    if not _active(user):
        return set()
    if user.is_superuser:
        return office_ids_for(user, WALIDATA_ROLES)
    memo = scope_memo(user)
    if "databank_walidata" not in memo:
        direct = office_ids_for(user, WALIDATA_ROLES)
        table = office_table(user)
        roots = set()
        for office in direct:
            seen = 0
            while table.get(office, (None, ""))[0] is not None and seen < 5:
                office = table[office][0]
                seen += 1
            roots.add(office)
        children: dict[int | None, list[int]] = {}
        for pk, (parent, _kind) in table.items():
            children.setdefault(parent, []).append(pk)
        ids, level = set(roots), set(roots)
        for _depth in range(3):
            level = {child for office in level for child in children.get(office, ())}
            ids |= level
        memo["databank_walidata"] = frozenset(ids)
    return set(memo["databank_walidata"])


def is_producer(user) -> bool:
    return bool(producer_office_ids(user))


def is_walidata(user) -> bool:
    return bool(_active(user) and (user.is_superuser or office_ids_for(user, WALIDATA_ROLES)))


def datasets_visible_to(*, user) -> QuerySet[Dataset]:
    """Every dataset `user` may see (anonymous: published and not private)."""
    if _active(user) and user.is_superuser:
        return Dataset.objects.all()
    public = Q(status=Dataset.Status.PUBLISHED, private=False)
    if not _active(user):
        return Dataset.objects.filter(public)
    condition = public
    producing = producer_office_ids(user)
    if producing:
        condition |= Q(office_id__in=producing)
    verifying = walidata_office_ids(user)
    if verifying:
        condition |= Q(office_id__in=verifying, status__in=WALIDATA_STATUSES)
    return Dataset.objects.filter(condition)


def datasets_for_staff(*, user) -> QuerySet[Dataset]:
    """The datasets of the back office: those the user produces or verifies."""
    if _active(user) and user.is_superuser:
        return Dataset.objects.all()
    condition = Q(pk__in=[])
    producing = producer_office_ids(user)
    if producing:
        condition |= Q(office_id__in=producing)
    verifying = walidata_office_ids(user)
    if verifying:
        condition |= Q(office_id__in=verifying, status__in=WALIDATA_STATUSES)
    return Dataset.objects.filter(condition)


def _lookup(queryset: QuerySet[Dataset], key) -> Dataset:
    """A dataset by its name or its id (CKAN accepts both)."""
    key = str(key or "")
    try:
        return queryset.get(pk=uuid.UUID(key))
    except (ValueError, TypeError, AttributeError, ValidationError, Dataset.DoesNotExist):
        pass
    try:
        return queryset.get(name=key)
    except (Dataset.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def dataset_for_user(*, user, key) -> Dataset:
    """The dataset named (or with the id) `key`, if `user` may see it; else 404."""
    return _lookup(
        datasets_visible_to(user=user).select_related(
            "organization", "office", "licence", "created_by"
        ),
        key,
    )


def dataset_for_staff(*, user, key) -> Dataset:
    return _lookup(
        datasets_for_staff(user=user).select_related("organization", "office", "licence"), key
    )


def resource_for_user(*, user, dataset: Dataset, resource_id, include_deleted=False) -> Resource:
    """An active resource of a dataset the user sees; staff of the dataset also reach
    deleted ones with include_deleted."""
    resources = dataset.resources.all()
    if not (include_deleted and can_edit(user, dataset, any_status=True)):
        resources = resources.filter(state=Resource.State.ACTIVE)
    try:
        resource = resources.get(pk=uuid.UUID(str(resource_id)))
    except (Resource.DoesNotExist, ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc
    resource.dataset = dataset
    return resource


def can_edit(user, dataset: Dataset, *, any_status: bool = False) -> bool:
    """Whether `user` produces this dataset and may change it now."""
    if not _active(user):
        return False
    if not (user.is_superuser or dataset.office_id in producer_office_ids(user)):
        return False
    return any_status or dataset.is_editable


def can_verify(user, dataset: Dataset) -> bool:
    """Whether `user` is a walidata of this dataset's tree (whatever its status)."""
    if not _active(user):
        return False
    return user.is_superuser or dataset.office_id in walidata_office_ids(user)


def can_withdraw(user, dataset: Dataset) -> bool:
    return dataset.status == Dataset.Status.PUBLISHED and (
        can_edit(user, dataset, any_status=True) or can_verify(user, dataset)
    )


def can_manage_harvest(user, office) -> bool:
    """Producers of the office and the walidata of its tree register and run sources."""
    if not _active(user):
        return False
    return (
        user.is_superuser
        or office.pk in producer_office_ids(user)
        or office.pk in walidata_office_ids(user)
    )


def harvest_sources_for(*, user) -> QuerySet[HarvestSource]:
    if _active(user) and user.is_superuser:
        return HarvestSource.objects.all()
    offices = producer_office_ids(user) | walidata_office_ids(user)
    return HarvestSource.objects.filter(office_id__in=offices)


def harvest_source_for(*, user, pk) -> HarvestSource:
    try:
        return (
            harvest_sources_for(user=user)
            .select_related("office", "organization", "created_by")
            .get(pk=uuid.UUID(str(pk)))
        )
    except (HarvestSource.DoesNotExist, ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc
