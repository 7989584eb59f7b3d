"""The public information registry: DIP rows, their documents, established DIP versions,
and the exempt-information list (DIK) with its consequence tests (domain.md §2, §13.2)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ppid.core.search import FullTextIndex
from ppid.core.storage import get_private_storage
from ppid.organizations.models import Body, Office


def private_storage():
    """Storage callable kept under this name because migrations reference it."""
    return get_private_storage()


class Category(models.TextChoices):
    # F2, F3, F4: UU 14/2008 Pasal 9, 10, 11
    BERKALA = "berkala", _("Periodic (berkala)")
    SERTA_MERTA = "serta_merta", _("Immediate (serta merta)")
    SETIAP_SAAT = "setiap_saat", _("Available at all times (setiap saat)")


class InformationItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=InformationItem.Status.PUBLISHED)

    def review_overdue(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.published().filter(category=Category.BERKALA, next_review__lt=on)


class InformationItem(models.Model):
    """One row of a body's public information list (DIP), with every F49 column."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        Office, verbose_name=_("PPID office"), on_delete=models.PROTECT, related_name="items"
    )
    body = models.ForeignKey(
        Body, verbose_name=_("public body"), on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary of contents"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    owner_unit = models.CharField(_("official/unit holding the information"), max_length=200)
    responsible = models.CharField(_("responsible for producing or issuing"), max_length=200)
    creation_time = models.CharField(_("time of creation"), max_length=120)
    creation_place = models.CharField(_("place of creation"), max_length=120)
    form_softcopy = models.BooleanField(_("softcopy available"), default=True)
    form_hardcopy = models.BooleanField(_("hardcopy available"), default=False)
    retention = models.CharField(_("retention period"), max_length=120)
    media_type = models.CharField(_("media type"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review = models.DateField(_("next review due"), null=True, blank=True)
    # Stemmed title, summary and document text: what the full-text index reads (core.search).
    search_text = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = InformationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("public information item")
        verbose_name_plural = _("public information items")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["body", "status", "category"]),
            models.Index(fields=["office", "status"]),
            # Measured at 1,000,000 items (docs/benchmarks.md): the facet GROUP BY as a
            # covering-index scan, and the list pages sorted by title, per body and per year.
            models.Index(
                fields=["status", "body", "category", "year", "form_softcopy", "form_hardcopy"],
                name="registry_item_facets_idx",
            ),
            models.Index(fields=["status", "title", "id"], name="registry_item_title_idx"),
            models.Index(
                fields=["body", "status", "published_at"], name="registry_item_body_new_idx"
            ),
            models.Index(
                fields=["status", "year", "published_at"], name="registry_item_year_new_idx"
            ),
            models.Index(fields=["category", "next_review"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="withdrawn_item_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:item", args=[self.uid])

    @property
    def forms_display(self) -> str:
        forms = []
        if self.form_softcopy:
            forms.append(str(_("Softcopy")))
        if self.form_hardcopy:
            forms.append(str(_("Hardcopy")))
        return ", ".join(forms)

    @property
    def review_overdue(self) -> bool:
        return (
            self.category == Category.BERKALA
            and self.next_review is not None
            and self.next_review < timezone.localdate()
        )


ITEM_SEARCH = FullTextIndex(name="registry_item_fts", table="registry_informationitem")


def document_path(instance: "Document", filename: str) -> str:
    return f"registry/{instance.item.uid}/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    """A file or link attached to an information item.

    Files live in private storage and are served by a view that checks the item is
    published (or the viewer is its office's officer): drafts' files are never public.
    """

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    class Extraction(models.TextChoices):
        NONE = "none", _("Not applicable")
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(InformationItem, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, max_length=300, blank=True
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    extracted_text = models.TextField(blank=True)
    extraction = models.CharField(max_length=8, choices=Extraction.choices, default=Extraction.NONE)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:document", args=[self.uid])

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class DipEstablishment(models.Model):
    """A body's DIP as established by decree (SK penetapan DIP): a numbered, dated,
    immutable copy of the list on that date (F49)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="dip_versions")
    version = models.PositiveIntegerField(_("version"))
    sk_number = models.CharField(_("decree (SK) number"), max_length=120)
    sk_date = models.DateField(_("decree (SK) date"))
    year = models.PositiveSmallIntegerField(_("year"))
    rows = models.JSONField(default=list, editable=False)
    established_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    established_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("established DIP")
        verbose_name_plural = _("established DIPs")
        ordering = ["body", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["body", "version"], name="dip_version_unique")
        ]

    def __str__(self) -> str:
        return f"DIP {self.body} #{self.version} ({self.sk_number})"


class ConsequenceTest(models.Model):
    """Uji konsekuensi (F10): the record of why information is exempt."""

    class Trigger(models.TextChoices):
        BEFORE_REQUEST = "before_request", _("Before any request")
        ON_REQUEST = "on_request", _("When a request arrived")
        KI_ORDER = "ki_order", _("On the Information Commission's order")

    class Conclusion(models.TextChoices):
        EXEMPT = "dikecualikan", _("Exempt")
        OPEN = "terbuka", _("Open")
        PARTIAL = "sebagian", _("Partly exempt (blacked out)")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="consequence_tests")
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    document_identified = models.CharField(_("document identified"), max_length=300)
    information_described = models.TextField(_("information described"))
    law_analysed = models.TextField(_("law analysed"))
    analysis = models.TextField(_("consequence and public-interest analysis"))
    conclusion = models.CharField(_("conclusion"), max_length=14, choices=Conclusion.choices)
    participants = models.TextField(_("participants"))
    period = models.CharField(_("exemption period"), max_length=120, blank=True)
    tested_on = models.DateField(_("date of the test"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consequence test")
        verbose_name_plural = _("consequence tests")

    def __str__(self) -> str:
        return f"{self.document_identified} ({self.tested_on})"


class Pasal17(models.TextChoices):
    # F6: UU 14/2008 Pasal 17 huruf a–j
    A = "a", _("a: obstructs law enforcement")
    B = "b", _("b: harms intellectual property or fair competition")
    C = "c", _("c: endangers state defence and security")
    D = "d", _("d: reveals Indonesia's natural wealth")
    E = "e", _("e: harms national economic resilience")
    F = "f", _("f: harms foreign relations")
    G = "g", _("g: reveals a private authentic deed or a last will")
    H = "h", _("h: reveals personal secrets")
    I = "i", _("i: secret internal or inter-agency memoranda")  # noqa: E741
    J = "j", _("j: forbidden from disclosure by an Undang-Undang")


# F9: exemptions under g and h are not time-limited; F7: a–f expire.
UNLIMITED_GROUNDS = {Pasal17.G, Pasal17.H}


class ExemptEntry(models.Model):
    """One row of the list of exempt information (DIK, F50). The public sees the
    description and reasons, never the exempt content itself (which is not stored here)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="exempt_entries")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="exempt_entries")
    information = models.CharField(_("information"), max_length=300)
    ground = models.CharField(_("Pasal 17 ground"), max_length=1, choices=Pasal17.choices)
    ground_subitem = models.PositiveSmallIntegerField(
        _("sub-item of ground a"), null=True, blank=True
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    consequence = models.TextField(_("consequence if opened"))
    public_interest = models.TextField(_("consideration of the public interest"), blank=True)
    exempt_until = models.DateField(_("exempt until"), null=True, blank=True)
    period_text = models.CharField(_("exemption period"), max_length=120, blank=True)
    consequence_test = models.ForeignKey(
        ConsequenceTest, on_delete=models.PROTECT, related_name="entries"
    )
    decree_number = models.CharField(_("classification decree number"), max_length=120)
    decree_place = models.CharField(_("place of decree"), max_length=120)
    decree_date = models.DateField(_("date of decree"))
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exempt information entry")
        verbose_name_plural = _("exempt information (DIK)")
        ordering = ["body", "ground", "information"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ground="a") | Q(ground_subitem__isnull=True),
                name="subitem_only_for_ground_a",
            ),
            models.CheckConstraint(
                condition=Q(ground_subitem__isnull=True)
                | Q(ground_subitem__gte=1, ground_subitem__lte=5),
                name="subitem_range",
            ),
            # F9: grounds g and h carry no expiry.
            models.CheckConstraint(
                condition=~Q(ground__in=["g", "h"]) | Q(exempt_until__isnull=True),
                name="g_h_not_time_limited",
            ),
        ]

    def __str__(self) -> str:
        return self.information


class ImportJob(models.Model):
    """A bulk import of DIP rows from an XLSX sheet: validated in full before anything is
    written, then written by a background task in one transaction (all rows or none)."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        VALIDATED = "validated", _("Ready to import")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="import_jobs")
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows written"), default=0)
    # Cleaned rows waiting to be written, and [{"row": n, "column": ..., "message": ...}].
    rows = models.JSONField(default=list, editable=False)
    errors = models.JSONField(default=list, editable=False)
    failure = models.TextField(_("failure"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0
