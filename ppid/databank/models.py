"""The data bank (Satu Data): datasets of the agencies, their files and links (resources),
the managed licence list, themes (groups), tags and harvest sources (issue 4, modules.md §1-§2).

Datasets and resources carry UUID keys: they are CKAN ids, shown to every client. The event
log (core.Event) and the full-text index need an integer key, so a dataset also has `seq`,
a unique, increasing 63-bit number given at creation (see next_seq).
"""

import secrets
import threading
import time
import uuid

from django.conf import settings
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ppid.core.search import FullTextIndex
from ppid.core.storage import get_private_storage
from ppid.organizations.models import Body, Office

NAME_VALIDATOR = RegexValidator(
    r"^[a-z0-9_\-]+$",
    _("Use only lower-case letters (a-z), digits, hyphens and underscores."),
    code="bad_name",
)
TAG_VALIDATOR = RegexValidator(
    r"^[\w \-.]+$",
    _("A tag may hold letters, digits, spaces, hyphens, underscores and dots."),
    code="bad_tag",
)

_seq_lock = threading.Lock()
_seq_last = [0]


def next_seq() -> int:
    """A dataset's integer key: microseconds since the epoch times 1000 plus a random
    0-999, and always above the last one this process gave, so keys grow with creation time
    (the full-text index reads the highest as the newest) and never repeat in a process;
    two processes collide only in the same microsecond with the same draw: the unique
    constraint refuses the second, and dataset_insert draws again. It fits in 63 bits until
    the year 2262."""
    with _seq_lock:
        value = max(time.time_ns() // 1000 * 1000 + secrets.randbelow(1000), _seq_last[0] + 1)
        _seq_last[0] = value
        return value


def dataset_insert(dataset: "Dataset", *, attempts: int = 5) -> None:
    """Insert a new dataset (every creation path goes through here). If another process
    took the same seq (see next_seq), the insert fails on the unique constraint inside its
    own savepoint and is tried again with a new draw; any other integrity error is raised."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                dataset.save(force_insert=True)
            return
        except IntegrityError:
            taken = Dataset.objects.filter(seq=dataset.seq).exists()
            if not taken or attempt == attempts - 1:
                raise
            dataset.seq = next_seq()


def private_storage():
    """Storage callable kept under this name because migrations reference it."""
    return get_private_storage()


class Licence(models.Model):
    """A licence of the managed list (CKAN license_list: id, title, url, conformance)."""

    id = models.CharField(_("identifier"), max_length=100, primary_key=True)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=300, blank=True)
    od_conformance = models.CharField(
        _("Open Definition conformance"), max_length=20, default="not reviewed"
    )
    osd_conformance = models.CharField(
        _("Open Source Definition conformance"), max_length=20, default="not reviewed"
    )
    is_open = models.BooleanField(_("open licence"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


DEFAULT_LICENCE = "cc-by-4.0"


class Group(models.Model):
    """A theme or sector (CKAN group): kependudukan, kesehatan, pendidikan, ..."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="databank/groups/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group (theme)")
        verbose_name_plural = _("groups (themes)")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[MinLengthValidator(2), TAG_VALIDATOR]
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HarvestSource(models.Model):
    """Another CKAN-compatible portal whose datasets are pulled in (issue 4 §3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(_("portal address"), max_length=500)
    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Body,
        verbose_name=_("owner of harvested datasets"),
        on_delete=models.PROTECT,
        related_name="harvest_sources",
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="harvest_sources"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class HarvestRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(HarvestSource, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("harvest run")
        verbose_name_plural = _("harvest runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class TingkatPenyajian(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABKOTA = "kabupaten-kota", _("Regency/city")
    KECAMATAN = "kecamatan", _("District (kecamatan)")


class Frekuensi(models.TextChoices):
    TAHUNAN = "tahunan", _("Yearly")
    SEMESTERAN = "semesteran", _("Half-yearly")
    TRIWULANAN = "triwulanan", _("Quarterly")
    BULANAN = "bulanan", _("Monthly")
    TIDAK_TETAP = "tidak_tetap", _("Irregular")


class DatasetQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: published and not private."""
        return self.filter(status=Dataset.Status.PUBLISHED, private=False)


class Dataset(models.Model):
    """A dataset (CKAN package) of one agency, with the Satu Data Indonesia metadata."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for verification")
        RETURNED = "returned", _("Returned for correction")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    seq = models.PositiveBigIntegerField(unique=True, default=next_seq, editable=False)
    name = models.CharField(
        _("name (URL)"),
        max_length=100,
        unique=True,
        validators=[MinLengthValidator(2), NAME_VALIDATOR],
        help_text=_("2 to 100 lower-case letters, digits, hyphens or underscores."),
    )
    title = models.CharField(_("title"), max_length=300)
    notes = models.TextField(_("description"), blank=True)
    url = models.URLField(_("source page"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_email = models.EmailField(_("author's e-mail"), blank=True)
    maintainer = models.CharField(_("maintainer"), max_length=200, blank=True)
    maintainer_email = models.EmailField(_("maintainer's e-mail"), blank=True)
    organization = models.ForeignKey(
        Body,
        verbose_name=_("producing agency"),
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="datasets"
    )
    licence = models.ForeignKey(
        Licence,
        verbose_name=_("licence"),
        on_delete=models.PROTECT,
        related_name="datasets",
        default=DEFAULT_LICENCE,
    )
    groups = models.ManyToManyField(
        Group, verbose_name=_("groups (themes)"), related_name="datasets", blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="datasets", blank=True)
    private = models.BooleanField(_("private"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.TextField(_("walidata's note"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # A producer changed the published dataset (metadata or resources) after the walidata
    # verified it: it stays published, and waits in the walidata's queue until checked.
    changed_since_check = models.BooleanField(
        _("changed since the walidata's check"), default=False
    )

    # Satu Data Indonesia metadata (modules.md §2.1).
    walidata = models.CharField(_("walidata (contact)"), max_length=300, blank=True)
    pembina_data = models.CharField(_("data supervisor (pembina data)"), max_length=300, blank=True)
    kode_wilayah = models.CharField(_("region code"), max_length=20, blank=True)
    tingkat_penyajian = models.CharField(
        _("presentation level"), max_length=16, choices=TingkatPenyajian.choices, blank=True
    )
    tahun_data = models.PositiveSmallIntegerField(_("data year"), null=True, blank=True)
    periode = models.CharField(_("period"), max_length=100, blank=True)
    frekuensi = models.CharField(
        _("frequency"), max_length=12, choices=Frekuensi.choices, blank=True
    )
    satuan = models.CharField(_("unit"), max_length=100, blank=True)
    konsep = models.TextField(_("concept"), blank=True)
    definisi = models.TextField(_("definition"), blank=True)
    metode_perhitungan = models.TextField(_("calculation method"), blank=True)
    interpretasi = models.TextField(_("interpretation"), blank=True)
    klasifikasi_penyajian = models.CharField(
        _("presentation classification"), max_length=300, blank=True
    )
    sumber_data = models.CharField(_("data source"), max_length=300, blank=True)
    kegiatan_statistik = models.CharField(_("statistical activity"), max_length=300, blank=True)

    # Stemmed title, notes, tags and metadata: what the full-text index reads (core.search).
    search_text = models.TextField(editable=False, default="")
    harvest_source = models.ForeignKey(
        HarvestSource,
        verbose_name=_("harvest source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    harvest_remote_id = models.CharField(max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    modified_at = models.DateTimeField(_("last modified"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["-modified_at", "-seq"]
        indexes = [
            models.Index(
                fields=["status", "private", "-modified_at"], name="databank_ds_public_idx"
            ),
            models.Index(fields=["organization", "status"], name="databank_ds_org_idx"),
            models.Index(fields=["office", "status"], name="databank_ds_office_idx"),
            models.Index(fields=["status", "tahun_data"], name="databank_ds_year_idx"),
            models.Index(fields=["status", "licence"], name="databank_ds_licence_idx"),
            models.Index(fields=["status", "title"], name="databank_ds_title_idx"),
            models.Index(
                fields=["harvest_source", "harvest_remote_id"], name="databank_ds_harvest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="databank_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_note=""),
                name="databank_returned_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="databank_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("databank:dataset", args=[self.name])

    @property
    def state(self) -> str:
        """The CKAN state: active when published, deleted when withdrawn, else draft."""
        if self.status == self.Status.PUBLISHED:
            return "active"
        if self.status == self.Status.WITHDRAWN:
            return "deleted"
        return "draft"

    @staticmethod
    def awaiting_walidata() -> Q:
        """The datasets in the walidata's queue: submitted ones to verify, and published
        ones a producer changed since the walidata's check."""
        return Q(status=Dataset.Status.SUBMITTED) | Q(
            status=Dataset.Status.PUBLISHED, changed_since_check=True
        )

    @property
    def awaits_check(self) -> bool:
        """Published, and changed by a producer since the walidata's check."""
        return self.status == self.Status.PUBLISHED and self.changed_since_check

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.private

    @property
    def is_editable(self) -> bool:
        """A producer edits drafts and returned datasets (and published ones, which stay
        published: a correction is recorded as an event)."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED, self.Status.PUBLISHED)


DATASET_SEARCH = FullTextIndex(name="databank_dataset_fts", table="databank_dataset", pk="seq")


class Indicator(models.Model):
    """An indicator defined by the dataset (Satu Data: name, definition, unit, formula)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("indicator"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    formula = models.TextField(_("formula"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["dataset", "position", "id"]

    def __str__(self) -> str:
        return self.name


def resource_path(instance, filename: str) -> str:
    resource = getattr(instance, "resource", instance)
    return f"databank/{resource.dataset_id}/{resource.id}/{uuid.uuid4().hex}/{filename}"


class Resource(models.Model):
    """A file (upload) or a link of a dataset. Files live in private storage and are served
    by a view that checks the dataset is visible to the viewer."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        DELETED = "deleted", _("Deleted")

    class Datastore(models.TextChoices):
        NONE = "none", _("Not applicable")
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Reading")
        DONE = "done", _("In the datastore")
        FAILED = "failed", _("Could not be read")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="resources")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=40, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=resource_path, max_length=400, blank=True
    )
    mimetype = models.CharField(_("media type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    hash = models.CharField(_("hash"), max_length=80, blank=True)
    row_count = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    modified_at = models.DateTimeField(_("last modified"), default=timezone.now)
    datastore_status = models.CharField(
        _("datastore"), max_length=8, choices=Datastore.choices, default=Datastore.NONE
    )
    # {"problems": [{"row": n, "message": "..."}], "error": "...", "rows": n, ...}
    datastore_report = models.JSONField(default=dict, blank=True)
    # [{"id": "...", "type": "text|int|numeric|date|timestamp"}]
    datastore_columns = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "position", "created_at"]
        indexes = [
            models.Index(fields=["dataset", "state", "position"], name="databank_res_ds_idx"),
            models.Index(fields=["state", "format"], name="databank_res_format_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="databank_resource_file_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("databank:resource", args=[self.dataset.name, self.pk])

    @property
    def url_type(self) -> str:
        return "upload" if self.file else ""

    @property
    def filename(self) -> str:
        if self.file:
            return self.file.name.rsplit("/", 1)[-1]
        return ""

    @property
    def download_path(self) -> str:
        """The public download address of an upload (counted), or the link itself."""
        if self.file:
            return reverse("databank_download", args=[self.dataset_id, self.pk, self.filename])
        return self.url

    @property
    def is_tabular(self) -> bool:
        return self.format in TABULAR_FORMATS

    @property
    def datastore_active(self) -> bool:
        return self.datastore_status == self.Datastore.DONE

    @property
    def ingesting(self) -> bool:
        """The file waits for, or is in, its datastore load."""
        return self.datastore_status in (self.Datastore.PENDING, self.Datastore.RUNNING)

    @cached_property
    def ingest_progress(self) -> dict | None:
        """How far the load has got (progress.ingest_progress) while it is under way; a
        waiting file's phase is "waiting"."""
        if not self.ingesting:
            return None
        from .progress import ingest_progress

        if self.datastore_status == self.Datastore.PENDING:
            return {"phase": "waiting"}
        return ingest_progress(self.pk) or {"phase": "reading"}


TABULAR_FORMATS = {"CSV", "XLSX"}


class ResourceVersion(models.Model):
    """A file that a replacement superseded: kept, never deleted."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=resource_path, max_length=400, blank=True
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    hash = models.CharField(_("hash"), max_length=80, blank=True)
    format = models.CharField(_("format"), max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="databank_resource_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"
