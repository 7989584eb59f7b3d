"""Public bodies, their PPID offices and staff appointments (domain.md §12, §13.1)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Body(models.Model):
    """A public body (Badan Publik): the province, its agencies, regencies, vertical agencies."""

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Provincial government")
        AGENCY = "opd", _("Regional agency (OPD)")
        REGENCY = "kabkota", _("Regency/city government")
        VERTICAL = "vertikal", _("Vertical agency")
        BUMD = "bumd", _("Regional enterprise (BUMD)")
        OTHER = "lainnya", _("Other public body")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("official code"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public body")
        verbose_name_plural = _("public bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:body", args=[self.slug])


class Office(models.Model):
    """A PPID office: the body's PPID Utama, or an agency's PPID Pelaksana under an Utama."""

    class Kind(models.TextChoices):
        UTAMA = "utama", _("PPID Utama")
        PELAKSANA = "pelaksana", _("PPID Pelaksana")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    body = models.ForeignKey(
        Body, verbose_name=_("public body"), on_delete=models.PROTECT, related_name="offices"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("coordinating PPID Utama"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    service_hours = models.CharField(_("service hours"), max_length=120, blank=True)
    sk_number = models.CharField(_("decree (SK) number"), max_length=120, blank=True)
    sk_date = models.DateField(_("decree (SK) date"), null=True, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("PPID office")
        verbose_name_plural = _("PPID offices")
        ordering = ["body__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body"], condition=Q(kind="utama"), name="one_ppid_utama_per_body"
            ),
            models.CheckConstraint(
                condition=Q(kind="utama") | Q(parent__isnull=False),
                name="pelaksana_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ATASAN_PPID = "atasan_ppid", _("Atasan PPID")
    PPID_UTAMA = "ppid_utama", _("PPID Utama officer")
    PPID_PELAKSANA = "ppid_pelaksana", _("PPID Pelaksana officer")
    SERVICE_DESK = "petugas_layanan", _("Service-desk officer")
    DATA_PRODUCER = "produsen_data", _("Data producer")
    WALIDATA = "walidata", _("Walidata (data custodian)")
    EDITOR = "editor", _("Editor")
    EVALUATOR = "evaluator", _("Evaluator")
    CC_OPERATOR = "operator_cc", _("Command-center operator")
    LEADER = "pimpinan", _("Leader (read-only dashboards)")


# Roles that may manage an office's public information registry.
REGISTRY_MANAGERS = {Role.PPID_UTAMA, Role.PPID_PELAKSANA}
# Roles that may read an office's staff views without changing anything.
REGISTRY_READERS = REGISTRY_MANAGERS | {Role.ATASAN_PPID, Role.SERVICE_DESK, Role.LEADER}


class AppointmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class Appointment(models.Model):
    """A decree (SK) appointing a person to a role in an office, valid between two dates (F48)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="appointments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    person_name = models.CharField(_("name and title"), max_length=200, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    sk_number = models.CharField(_("decree (SK) number"), max_length=120)
    sk_date = models.DateField(_("decree (SK) date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["office", "role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="appointment_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.office}"
