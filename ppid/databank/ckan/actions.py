"""The read actions of CKAN's Action API v3 (ckan/logic/action/get.py; modules.md §1.4).

Each action takes the caller's context and the parameters as a dict, and returns the
`result` of the envelope or raises one of errors.py. List and show actions ignore keys they
do not know (the ckanapi CLI sends extras); package_search refuses them, as CKAN does.
Caps (documented in help_show): package_search rows <= 1000; organization_list and
group_list 1000 names, 25 with all_fields; organization_show / group_show include_datasets
gives the first 10 (page package_search with fq=owner_org:<id> for the rest);
current_package_list_with_resources 100; datastore_search limit <= 32000.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from ppid.organizations.models import Body

from .. import search
from ..access import datasets_visible_to
from ..models import Dataset, Group, Licence, Resource, Tag
from . import dicts
from .errors import NotAuthorized, NotFound, ValidationError
from .params import as_bool, as_int, as_list, as_str, required

ORG_LIST_LIMIT = 1000
ORG_LIST_ALL_FIELDS_LIMIT = 25
SHOW_DATASETS_LIMIT = 10
PACKAGE_LIST_WITH_RESOURCES_LIMIT = 100
DATASTORE_LIMIT_DEFAULT = 100
DATASTORE_LIMIT_MAX = 32000


@dataclass
class Context:
    user: object
    base_url: str  # scheme://host of the request, no trailing slash


ACTIONS: dict = {}


def action(fn):
    ACTIONS[fn.__name__] = fn
    return fn


# Write actions of CKAN: refused (this API is read-only; data is written through the
# back office). Any other name ending like these is a write too.
WRITE_SUFFIXES = ("_create", "_update", "_patch", "_delete", "_purge", "_upsert", "_revise")
WRITE_ACTIONS = {
    "package_owner_org_update",
    "member_create",
    "bulk_update_private",
    "bulk_update_public",
    "bulk_update_delete",
    "resource_view_reorder",
    "package_resource_reorder",
    "dataset_purge",
    "follow_dataset",
    "unfollow_dataset",
}


def is_write_action(name: str) -> bool:
    return name in WRITE_ACTIONS or name.endswith(WRITE_SUFFIXES)


def refuse_write(name: str):
    raise NotAuthorized(
        f"{name} is not available: the data bank's CKAN API is read-only; datasets are "
        "written through the back office"
    )


# --- site -------------------------------------------------------------------------------


@action
def status_show(ctx: Context, data: dict):
    """The site's identity and the CKAN version it behaves like."""
    return {
        "site_title": str(settings.WAGTAIL_SITE_NAME) + " - Bank Data",
        "site_description": _("The open data bank of the province's agencies (Satu Data)."),
        "site_url": ctx.base_url,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["datastore", "dcat", "satudata"],
        "ckan_version": dicts.CKAN_VERSION,
    }


@action
def site_read(ctx: Context, data: dict):
    """Always true (kept for old clients; removed from CKAN 2.11)."""
    return True


@action
def help_show(ctx: Context, data: dict):
    """The documentation of the action `name`."""
    name = as_str(data, "name") or "help_show"
    fn = ACTIONS.get(name)
    if fn is None:
        raise NotFound(f"Action function not found: {name}")
    return (fn.__doc__ or "").strip()


# --- datasets ---------------------------------------------------------------------------


@action
def package_list(ctx: Context, data: dict):
    """Names of the active public datasets, sorted. limit, offset: natural numbers."""
    limit = as_int(data, "limit", None)
    offset = as_int(data, "offset", 0)
    names = Dataset.objects.public().order_by("name").values_list("name", flat=True)
    if limit is not None:
        names = names[offset : offset + limit]
    elif offset:
        names = names[offset:]
    return list(names)


@action
def package_search(ctx: Context, data: dict):
    """Search datasets. q (text, or field:value clauses), fq / fq_list (field:value,
    +/-field:value, field:"x", field:(a OR b), metadata_modified:[from TO to]; fields
    organization, owner_org, groups, tags, res_format, license_id, name, id, type, state,
    capacity, kode_wilayah, frekuensi, tahun, metadata_created), sort (score desc,
    metadata_modified desc|asc, metadata_created desc|asc, name asc|desc, title_string
    asc|desc), rows (default 10, at most 1000), start, facet.field (a list, a JSON list or
    repeated keys: organization, groups, tags, res_format, license_id, kode_wilayah,
    frekuensi, tahun), facet.limit (default 50, -1 for all), facet.mincount,
    include_private, include_drafts. Page with start and the returned count."""
    return search.package_search(user=ctx.user, params=data, base_url=ctx.base_url)


def _dataset(ctx: Context, key) -> Dataset:
    key = str(key)
    queryset = search.dataset_queryset().filter(
        pk__in=datasets_visible_to(user=ctx.user).values("pk")
    )
    try:
        found = queryset.filter(pk=uuid.UUID(key)).first()
    except ValueError:
        found = None
    if found is None:
        found = queryset.filter(name=key).first()
    if found is None:
        raise NotFound(_("Dataset not found"))
    return found


@action
def package_show(ctx: Context, data: dict):
    """One dataset by id or name: id."""
    dataset = _dataset(ctx, required(data, "id"))
    return dicts.package_dict(dataset, base_url=ctx.base_url)


@action
def resource_show(ctx: Context, data: dict):
    """One resource by id: id."""
    key = str(required(data, "id"))
    try:
        pk = uuid.UUID(key)
    except ValueError:
        raise NotFound(_("Resource was not found.")) from None
    resource = (
        Resource.objects.filter(
            pk=pk,
            state=Resource.State.ACTIVE,
            dataset__in=datasets_visible_to(user=ctx.user).values("pk"),
        )
        .select_related("dataset")
        .first()
    )
    if resource is None:
        raise NotFound(_("Resource was not found."))
    return dicts.resource_dict(resource, base_url=ctx.base_url)


@action
def current_package_list_with_resources(ctx: Context, data: dict):
    """Active public datasets with their resources, newest first: limit (at most 100),
    offset."""
    limit = as_int(data, "limit", PACKAGE_LIST_WITH_RESOURCES_LIMIT)
    limit = min(limit, PACKAGE_LIST_WITH_RESOURCES_LIMIT)
    offset = as_int(data, "offset", 0)
    page = list(
        search.dataset_queryset()
        .filter(status=Dataset.Status.PUBLISHED, private=False)
        .order_by("-modified_at", "-seq")[offset : offset + limit]
    )
    return [dicts.package_dict(d, base_url=ctx.base_url) for d in page]


# --- organizations and groups -------------------------------------------------------------


def _sorted(objects: list, counts: dict, sort: str, name_attr: str, title_attr: str):
    words = (sort or "title asc").split()
    key = words[0] if words else "title"
    reverse = len(words) > 1 and words[1].lower() == "desc"
    if key == "name":
        objects.sort(key=lambda o: getattr(o, name_attr), reverse=reverse)
    elif key == "package_count":
        objects.sort(
            key=lambda o: (counts.get(getattr(o, name_attr), 0), getattr(o, name_attr)),
            reverse=reverse,
        )
    elif key in ("title", "display_name"):
        objects.sort(
            key=lambda o: (getattr(o, title_attr).casefold(), getattr(o, name_attr)),
            reverse=reverse,
        )
    else:
        raise ValidationError({"sort": [f"Cannot sort by field `{key}`"]})
    return objects


def organizations() -> list:
    """The agencies that own datasets (CKAN organizations)."""
    return list(Body.objects.filter(pk__in=Dataset.objects.values("organization_id")))


@action
def organization_list(ctx: Context, data: dict):
    """Organization (agency) names, or dicts with all_fields=true. sort (title asc by
    default; name, title, package_count), limit (1000; 25 with all_fields), offset,
    organizations (names)."""
    return _group_list(ctx, data, is_org=True)


@action
def group_list(ctx: Context, data: dict):
    """Group (theme) names, or dicts with all_fields=true. sort, limit (1000; 25 with
    all_fields), offset, groups (names)."""
    return _group_list(ctx, data, is_org=False)


def _group_list(ctx: Context, data: dict, *, is_org: bool):
    all_fields = as_bool(data, "all_fields")
    cap = ORG_LIST_ALL_FIELDS_LIMIT if all_fields else ORG_LIST_LIMIT
    limit = as_int(data, "limit", cap, maximum=cap)
    offset = as_int(data, "offset", 0)
    wanted = as_list(data, "organizations" if is_org else "groups")
    if is_org:
        objects, counts = organizations(), search.public_counts("organization")
        name_attr, title_attr = "slug", "name"
    else:
        objects, counts = list(Group.objects.all()), search.public_counts("groups")
        name_attr, title_attr = "name", "title"
    if wanted:
        objects = [o for o in objects if getattr(o, name_attr) in wanted]
    objects = _sorted(objects, counts, as_str(data, "sort"), name_attr, title_attr)
    objects = objects[offset : offset + limit]
    if not all_fields:
        return [getattr(o, name_attr) for o in objects]
    include_count = as_bool(data, "include_dataset_count", True)
    include_extras = as_bool(data, "include_extras")
    build = dicts.organization_dict if is_org else dicts.group_dict
    return [
        build(
            o,
            package_count=counts.get(getattr(o, name_attr), 0) if include_count else None,
            base_url=ctx.base_url,
            include_extras=include_extras,
        )
        for o in objects
    ]


@action
def organization_show(ctx: Context, data: dict):
    """One organization (agency) by id or name: id, include_datasets (the first 10),
    include_dataset_count (default true), include_extras."""
    key = str(required(data, "id"))
    lookup = Q(slug=key) | (Q(pk=int(key)) if key.isdigit() else Q())
    body = Body.objects.filter(lookup).filter(pk__in=Dataset.objects.values("organization_id"))
    body = body.first()
    if body is None:
        raise NotFound(_("Organization was not found."))
    return _group_show(ctx, data, body, fq=f"owner_org:{body.pk}", is_org=True)


@action
def group_show(ctx: Context, data: dict):
    """One group (theme) by id or name: id, include_datasets (the first 10),
    include_dataset_count (default true)."""
    key = str(required(data, "id"))
    lookup = Q(name=key)
    try:
        lookup |= Q(pk=uuid.UUID(key))
    except ValueError:
        pass
    group = Group.objects.filter(lookup).first()
    if group is None:
        raise NotFound(_("Group was not found."))
    return _group_show(ctx, data, group, fq=f'groups:"{group.name}"', is_org=False)


def _group_show(ctx: Context, data: dict, obj, *, fq: str, is_org: bool):
    include_datasets = as_bool(data, "include_datasets")
    include_count = as_bool(data, "include_dataset_count", True)
    found = search.package_search(
        user=ctx.user,
        params={"fq": fq, "rows": SHOW_DATASETS_LIMIT if include_datasets else 0},
        base_url=ctx.base_url,
    )
    build = dicts.organization_dict if is_org else dicts.group_dict
    out = build(
        obj,
        package_count=found["count"] if include_count else None,
        base_url=ctx.base_url,
        include_extras=as_bool(data, "include_extras"),
        packages=found["results"] if include_datasets else None,
    )
    if as_bool(data, "include_users"):
        out["users"] = []
    if as_bool(data, "include_groups"):
        out["groups"] = []
    return out


# --- tags and licences --------------------------------------------------------------------


@action
def tag_list(ctx: Context, data: dict):
    """Tags of the public datasets: query (or q) for names containing it, all_fields for
    tag dicts. There are no vocabularies: vocabulary_id gives []."""
    if as_str(data, "vocabulary_id"):
        return []
    query = (as_str(data, "query") or as_str(data, "q")).casefold()
    names = sorted(
        name
        for name, count in search.public_counts("tags").items()
        if count and (not query or query in name.casefold())
    )
    if as_bool(data, "all_fields"):
        tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
        return [dicts.tag_dict(tags[name]) for name in names if name in tags]
    return names


@action
def license_list(ctx: Context, data: dict):
    """The licences datasets may carry."""
    return [dicts.licence_dict(licence) for licence in Licence.objects.all()]


# --- datastore ----------------------------------------------------------------------------


@action
def datastore_search(ctx: Context, data: dict):
    """Rows of a tabular resource: resource_id (or id), q (text, or {column: text}),
    filters ({column: value or [values]}), limit (default 100, at most 32000), offset,
    fields (list or comma-separated), sort ("column asc, other desc"), include_total."""
    from .. import datastore

    key = data.get("resource_id") or data.get("id")
    if not key:
        raise ValidationError({"resource_id": ["Missing value"]})
    try:
        pk = uuid.UUID(str(key))
    except ValueError:
        raise NotFound(f'Resource "{key}" was not found.') from None
    visible = Resource.objects.filter(
        pk=pk,
        state=Resource.State.ACTIVE,
        dataset__in=datasets_visible_to(user=ctx.user).values("pk"),
    ).exists()
    if not visible or not datastore.exists(str(pk)):
        raise NotFound(f'Resource "{key}" was not found.')
    filters = _json_param(data, "filters", dict)
    q = data.get("q")
    if isinstance(q, str) and q.strip().startswith("{"):
        q = _json_param(data, "q", dict)
    fields = as_list(data, "fields") or None
    sort = data.get("sort")
    if isinstance(sort, list):
        sort = ", ".join(str(s) for s in sort)
    try:
        return datastore.search(
            str(pk),
            q=q or None,
            filters=filters or None,
            limit=as_int(data, "limit", DATASTORE_LIMIT_DEFAULT, maximum=DATASTORE_LIMIT_MAX),
            offset=as_int(data, "offset", 0),
            sort=sort or None,
            fields=fields,
            include_total=as_bool(data, "include_total", True),
        )
    except datastore.DatastoreError as exc:
        raise ValidationError(dict(exc.field_errors)) from None


def _json_param(data: dict, key: str, kind):
    import json

    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({key: ["Cannot parse JSON"]}) from None
    if not isinstance(value, kind):
        raise ValidationError({key: [f"Not a {'dict' if kind is dict else 'list'}"]})
    return value
