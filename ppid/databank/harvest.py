"""Harvesting another CKAN-compatible portal (issue 4 §3): an officer registers a source
(HarvestSource: the portal's address, and the agency and office that will own what is
pulled); a task pages the portal's package_search with ckanapi and creates or updates one
dataset per remote dataset: its metadata and its resources as links (files are not copied).

Harvested datasets are published at once (they are public on their portal), carry
harvest_source and harvest_remote_id, and follow the remote on every run: a dataset whose
mapped metadata or links differ is updated, one that vanished from the portal is reported
(never deleted or withdrawn by the harvester: an officer decides). Each run is a HarvestRun
row with its counts and a report naming every dataset; each change is an event.
"""

import logging
import re
import uuid

from ckanapi import RemoteCKAN
from ckanapi.errors import CKANAPIError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ppid.core.search import stem_text

from . import services
from .models import (
    DEFAULT_LICENCE,
    Dataset,
    Frekuensi,
    Group,
    HarvestRun,
    HarvestSource,
    Licence,
    Resource,
    Tag,
    TingkatPenyajian,
    dataset_insert,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_DATASETS = 20_000  # a run stops there and says so in its report
USER_AGENT = "PPID-Terpadu-harvester (ckanapi)"
TIMEOUT = 30
_NAME_OK = re.compile(r"^[a-z0-9_\-]{2,100}$")
_TAG_OK = re.compile(r"^[\w \-.]{2,100}$")
TEXT_FIELDS = ("title", "notes", "url", "version", "author", "author_email", "maintainer",
               "maintainer_email")  # fmt: skip
SATU_DATA_TEXT = ("walidata", "pembina_data", "kode_wilayah", "periode", "satuan", "konsep",
                  "definisi", "metode_perhitungan", "interpretasi", "klasifikasi_penyajian",
                  "sumber_data", "kegiatan_statistik")  # fmt: skip


class HarvestError(Exception):
    pass


def remote_client(url: str) -> RemoteCKAN:
    return RemoteCKAN(url.rstrip("/"), user_agent=USER_AGENT)


def fetch_remote(url: str):
    """Every dataset the portal lists, page by page (package_search with start and rows,
    sorted by name so that pages do not shift while the portal changes)."""
    with remote_client(url) as ckan:
        start = 0
        while start < MAX_DATASETS:
            page = ckan.call_action(
                "package_search",
                {"q": "*:*", "rows": PAGE_SIZE, "start": start, "sort": "name asc"},
                requests_kwargs={"timeout": TIMEOUT},
            )
            results = page.get("results") or []
            if not results:
                return
            yield from results
            start += len(results)
            if start >= int(page.get("count") or 0):
                return


# --- mapping a remote package dict to our fields --------------------------------------------


def _extras(package: dict) -> dict:
    out = {}
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key"):
            out[str(extra["key"])] = extra.get("value")
    return out


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    return str(value).strip()[:limit]


def mapped_fields(package: dict) -> dict:
    """Our dataset fields for a remote package (top-level keys first, then extras)."""
    extras = _extras(package)

    def pick(key):
        value = package.get(key)
        return value if value not in (None, "") else extras.get(key)

    fields = {
        "title": _text(package.get("title") or package.get("name"), 300),
        "notes": _text(package.get("notes"), 100_000),
        "url": _url(package.get("url")),
        "version": _text(package.get("version"), 100),
        "author": _text(package.get("author"), 200),
        "author_email": _email(package.get("author_email")),
        "maintainer": _text(package.get("maintainer"), 200),
        "maintainer_email": _email(package.get("maintainer_email")),
    }
    for key in SATU_DATA_TEXT:
        fields[key] = _text(pick(key), 300 if key not in ("konsep", "definisi",
                                                          "metode_perhitungan",
                                                          "interpretasi") else 10_000)  # fmt: skip
    fields["kode_wilayah"] = fields["kode_wilayah"][:20]
    fields["periode"] = fields["periode"][:100]
    fields["satuan"] = fields["satuan"][:100]
    level = _text(pick("tingkat_penyajian"), 20)
    fields["tingkat_penyajian"] = level if level in TingkatPenyajian.values else ""
    frequency = _text(pick("frekuensi"), 20)
    fields["frekuensi"] = frequency if frequency in Frekuensi.values else ""
    year = pick("tahun_data")
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        year = None
    fields["tahun_data"] = year if year is None or 1900 <= year <= 2100 else None
    licence = _text(package.get("license_id"), 100)
    fields["licence_id"] = licence if licence in _licences() else "notspecified"
    if fields["licence_id"] not in _licences():
        fields["licence_id"] = DEFAULT_LICENCE
    return fields


def _licences() -> set[str]:
    return set(Licence.objects.values_list("id", flat=True))


def _url(value) -> str:
    text = _text(value, 500)
    return text if text.startswith(("http://", "https://")) else ""


def _email(value) -> str:
    text = _text(value, 254)
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else ""


def mapped_tags(package: dict) -> list[str]:
    names = []
    for tag in package.get("tags") or []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        name = " ".join(str(name or "").split())[:100]
        if _TAG_OK.match(name) and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names[:50]


def mapped_groups(package: dict) -> list[str]:
    wanted = {g.get("name") for g in package.get("groups") or [] if isinstance(g, dict)}
    return sorted(Group.objects.filter(name__in=wanted).values_list("name", flat=True))


def mapped_resources(package: dict) -> list[dict]:
    out = []
    for resource in package.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        url = _url(resource.get("url"))
        if not url or (resource.get("state") not in (None, "active")):
            continue
        size = resource.get("size")
        out.append(
            {
                "url": url[:1000],
                "name": _text(resource.get("name") or url, 300),
                "description": _text(resource.get("description"), 10_000),
                "format": _text(resource.get("format"), 40).upper(),
                "mimetype": _text(resource.get("mimetype"), 120),
                "size": int(size) if isinstance(size, int) and size >= 0 else None,
            }
        )
    return out


# --- one dataset ---------------------------------------------------------------------------


def _local_name(package: dict, existing: Dataset | None) -> str:
    if existing is not None:
        return existing.name
    name = str(package.get("name") or "").lower()
    if not _NAME_OK.match(name):
        name = re.sub(r"[^a-z0-9_\-]+", "-", name).strip("-")[:90] or "dataset"
    if not Dataset.objects.filter(name=name).exists():
        return name
    # Taken by a dataset of ours or of another source: suffix it, stably.
    suffix = uuid.uuid5(uuid.NAMESPACE_URL, str(package.get("id"))).hex[:8]
    return f"{name[:90]}-{suffix}"


def _current_resources(dataset: Dataset) -> list[dict]:
    return [
        {
            "url": r.url,
            "name": r.name,
            "description": r.description,
            "format": r.format,
            "mimetype": r.mimetype,
            "size": r.size,
        }
        for r in dataset.resources.filter(state=Resource.State.ACTIVE).order_by("position")
    ]


def _differences(dataset: Dataset, fields: dict, tags, groups, resources) -> dict:
    changes = {}
    for key, value in fields.items():
        if getattr(dataset, key) != value:
            changes[key] = [getattr(dataset, key), value]
    current_tags = sorted(t.name for t in dataset.tags.all())
    if current_tags != sorted(tags):
        changes["tags"] = [current_tags, sorted(tags)]
    current_groups = sorted(g.name for g in dataset.groups.all())
    if current_groups != groups:
        changes["groups"] = [current_groups, groups]
    if _current_resources(dataset) != resources:
        changes["resources"] = [len(_current_resources(dataset)), len(resources)]
    return changes


def _set_relations(dataset: Dataset, tags, groups) -> None:
    tag_objects = []
    for name in tags:
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tag_objects.append(tag)
    dataset.tags.set(tag_objects)
    dataset.groups.set(Group.objects.filter(name__in=groups))


def _sync_resources(dataset: Dataset, resources: list[dict]) -> None:
    """Resources follow the remote list: same link kept (and updated), new links added,
    links gone marked deleted (never removed)."""
    now = timezone.now()
    current = {r.url: r for r in dataset.resources.filter(state=Resource.State.ACTIVE)}
    for position, wanted in enumerate(resources, start=1):
        resource = current.pop(wanted["url"], None)
        if resource is None:
            Resource.objects.create(
                dataset=dataset, position=position, created_at=now, modified_at=now, **wanted
            )
            continue
        changed = [k for k, v in wanted.items() if getattr(resource, k) != v]
        if changed or resource.position != position:
            for key, value in wanted.items():
                setattr(resource, key, value)
            resource.position = position
            resource.modified_at = now
            resource.save()
    for resource in current.values():
        resource.state = Resource.State.DELETED
        resource.modified_at = now
        resource.save(update_fields=["state", "modified_at"])


@transaction.atomic
def harvest_package(source: HarvestSource, package: dict, *, actor=None) -> str:
    """Create or update our copy of one remote package: "created", "updated" or
    "unchanged"."""
    remote_id = _text(package.get("id"), 200)
    if not remote_id:
        raise HarvestError("the remote dataset has no id")
    existing = (
        Dataset.objects.select_for_update()
        .filter(harvest_source=source, harvest_remote_id=remote_id)
        .first()
    )
    fields = mapped_fields(package)
    tags, groups, resources = (
        mapped_tags(package),
        mapped_groups(package),
        mapped_resources(package),
    )
    if not resources:
        # Our datasets need a resource; the remote page itself stands in for one.
        remote_page = f"{source.url.rstrip('/')}/dataset/{package.get('name') or remote_id}"
        resources = [{"url": remote_page[:1000], "name": fields["title"], "description": "",
                      "format": "HTML", "mimetype": "text/html", "size": None}]  # fmt: skip
    now = timezone.now()
    if existing is not None and existing.status == Dataset.Status.PUBLISHED:
        changes = _differences(existing, fields, tags, groups, resources)
        if not changes:
            return "unchanged"
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.modified_at = now
        existing.save()
        _set_relations(existing, tags, groups)
        _sync_resources(existing, resources)
        services.dataset_reindex(dataset=existing)
        services._record(dataset=existing, action="harvest_updated", actor=actor,
                         changes={k: [str(a)[:200], str(b)[:200]] for k, (a, b) in
                                  changes.items()})  # fmt: skip
        return "updated"
    if existing is not None:
        # Withdrawn (or otherwise taken out) by an officer here: left alone.
        return "unchanged"
    dataset = Dataset(
        name=_local_name(package, None),
        organization=source.organization,
        office=source.office,
        status=Dataset.Status.PUBLISHED,
        published_at=now,
        created_at=now,
        modified_at=now,
        harvest_source=source,
        harvest_remote_id=remote_id,
        **fields,
    )
    dataset.search_text = stem_text(dataset.title)
    dataset.full_clean(exclude=["licence", "office", "organization", "created_by",
                                "harvest_source"])  # fmt: skip
    dataset_insert(dataset)
    _set_relations(dataset, tags, groups)
    _sync_resources(dataset, resources)
    services.dataset_reindex(dataset=dataset)
    services._record(
        dataset=dataset,
        action="harvest_created",
        actor=actor,
        changes={"source": [None, source.url], "remote_id": [None, remote_id]},
    )
    return "created"


# --- a run ---------------------------------------------------------------------------------


def harvest_run(*, source: HarvestSource, actor=None, run: HarvestRun | None = None) -> HarvestRun:
    """Pull every dataset of the source; record the counts and a report on a HarvestRun."""
    run = run or HarvestRun.objects.create(source=source)
    report: dict = {"created": [], "updated": [], "unchanged": [], "failed": [], "vanished": []}
    seen: set[str] = set()
    try:
        for package in fetch_remote(source.url):
            remote_id = str(package.get("id") or "")
            label = {"remote_id": remote_id, "name": str(package.get("name") or "")[:100]}
            try:
                outcome = harvest_package(source, package, actor=actor)
            except Exception as exc:  # one bad dataset must not stop the run
                log.warning("harvest of %s from %s failed: %s", remote_id, source.url, exc)
                report["failed"].append({**label, "error": str(exc)[:500]})
                continue
            seen.add(remote_id)
            report[outcome].append(label)
        vanished = (
            Dataset.objects.filter(harvest_source=source, status=Dataset.Status.PUBLISHED)
            .exclude(harvest_remote_id__in=seen)
            .values_list("name", "harvest_remote_id")
        )
        report["vanished"] = [{"name": n, "remote_id": r} for n, r in vanished]
        run.status = HarvestRun.Status.DONE
    except (CKANAPIError, OSError, ValueError) as exc:
        report["error"] = f"{type(exc).__name__}: {exc}"[:1000]
        run.status = HarvestRun.Status.FAILED
    except Exception as exc:  # never leave a run "running" forever
        log.exception("harvest of %s failed", source.url)
        report["error"] = f"{type(exc).__name__}: {exc}"[:1000]
        run.status = HarvestRun.Status.FAILED
    run.created = len(report["created"])
    run.updated = len(report["updated"])
    run.unchanged = len(report["unchanged"])
    run.failed = len(report["failed"])
    run.report = report
    run.finished_at = timezone.now()
    run.save()
    HarvestSource.objects.filter(pk=source.pk).update(last_run_at=run.finished_at)
    return run


@task()
def run_harvest(source_id: str, run_id: int | None = None) -> dict:
    """Background task: harvest one source (manage.py db_worker runs it)."""
    source = HarvestSource.objects.select_related("organization", "office").get(pk=source_id)
    run = HarvestRun.objects.filter(pk=run_id).first() if run_id else None
    run = harvest_run(source=source, run=run)
    return {"status": run.status, "created": run.created, "updated": run.updated,
            "unchanged": run.unchanged, "failed": run.failed}  # fmt: skip


def harvest_enqueue(*, source: HarvestSource) -> HarvestRun:
    """Queue a run now; the HarvestRun row exists at once (status running)."""
    run = HarvestRun.objects.create(source=source)
    source_id, run_id = str(source.pk), run.pk
    transaction.on_commit(lambda: run_harvest.enqueue(source_id, run_id))
    return run
