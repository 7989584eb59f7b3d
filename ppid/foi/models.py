"""Information requests, notices, objections, disputes and court cases (domain.md §4–§7,
§13.3–§13.5, state machines §14). Status (where a case is) and outcome (what the notice
decided) are separate fields (§17 #4); nothing here is ever deleted (F37)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppid.core.storage import get_private_storage
from ppid.organizations.models import Appointment, Body, Office
from ppid.registry.models import ConsequenceTest, ExemptEntry, Pasal17


def _private_upload_to(instance, filename: str) -> str:
    # Names never carry personal data (§6): a random name under the model's folder.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"foi/{instance._meta.model_name}/{uuid.uuid4().hex}.{suffix}"


class RequesterKind(models.TextChoices):
    INDIVIDUAL = "perorangan", _("Individual")
    LEGAL_ENTITY = "badan_hukum", _("Legal entity")
    GROUP = "kelompok", _("Group of people")


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    API = "aplikasi", _("Application (API)")
    IN_PERSON = "langsung", _("In person (walk-in)")
    PHONE = "telepon", _("Telephone")
    LETTER = "surat", _("Letter / post")
    EMAIL = "email", _("E-mail")
    FAX = "faksimili", _("Fax")


# Channels a service-desk officer records at intake.
DESK_CHANNELS = [
    Channel.IN_PERSON,
    Channel.PHONE,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.FAX,
]


class ObtainMethod(models.TextChoices):
    # F23 cara memperoleh
    SEE = "melihat", _("See")
    READ = "membaca", _("Read")
    LISTEN = "mendengarkan", _("Listen")
    NOTE = "mencatat", _("Take notes")
    COPY = "salinan", _("Get a copy")


class CopyFormat(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")


class DeliveryMethod(models.TextChoices):
    # F23 cara mendapatkan salinan
    COLLECT = "langsung", _("Collect in person")
    COURIER = "kurir", _("Courier")
    POST = "pos", _("Post")
    FAX = "faksimili", _("Fax")
    EMAIL = "email", _("E-mail")


class Outcome(models.TextChoices):
    """What the written notice decided (F18, F20); read by the statistics (F14)."""

    GRANTED_FULL = "diterima_seluruhnya", _("Granted in full")
    GRANTED_PART = "diterima_sebagian", _("Granted in part")
    REJECTED = "ditolak", _("Rejected")
    NOT_HELD = "tidak_dikuasai", _("Not held")


class InformationRequest(models.Model):
    """Permohonan informasi publik (F17, F22, §13.4, state machine §14.1).

    Requester data is stored on the request as given (the register prints it as received);
    NIK, phone and address are personal data: masked for everyone but the handling officers
    (ppid/foi/privacy.py), never indexed, never in URLs.
    """

    class Status(models.TextChoices):
        REGISTERED = "teregistrasi", _("Registered")
        IN_PROGRESS = "diproses", _("In progress")
        EXTENDED = "diperpanjang", _("Extended")
        NOTIFIED = "diberitahukan", _("Notice sent")
        AWAITING_PAYMENT = "menunggu_pembayaran", _("Awaiting payment")
        DELIVERED = "diserahkan", _("Information handed over")
        CLOSED = "selesai", _("Closed")
        WITHDRAWN = "dibatalkan", _("Withdrawn by the requester")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # --- registration (F17; D1): issued in the creating transaction, gap-free per office/year
    registration_number = models.CharField(_("registration number"), max_length=80, unique=True)
    number_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("numbering office")
    )
    number_year = models.PositiveSmallIntegerField()
    number_seq = models.PositiveIntegerField()
    body = models.ForeignKey(
        Body, verbose_name=_("public body"), on_delete=models.PROTECT, related_name="requests"
    )
    # The office that currently answers (the Utama, or a Pelaksana it forwarded to).
    office = models.ForeignKey(
        Office, verbose_name=_("handling office"), on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    # --- deadlines (C8): the computed dates, the original, the policy and calendar version
    counting_from = models.DateField(_("counting from"))
    due_date = models.DateField(_("notice due"))
    due_date_original = models.DateField(_("original notice due date"))
    due_date_extended = models.DateField(_("extended notice due date"), null=True, blank=True)
    policy = models.JSONField(_("counting policy used"), default=dict)
    calendar_version = models.PositiveIntegerField(default=0)
    # --- requester (F22, §13.3)
    requester_kind = models.CharField(
        _("requester type"), max_length=12, choices=RequesterKind.choices
    )
    requester_name = models.CharField(_("full name"), max_length=200)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    legal_entity_number = models.CharField(
        _("legal entity ratification number"), max_length=120, blank=True
    )
    id_scan = models.FileField(
        _("ID card or deed scan"),
        storage=get_private_storage,
        upload_to=_private_upload_to,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=400)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    # --- proxy (F22(e))
    proxy_name = models.CharField(_("proxy's name"), max_length=200, blank=True)
    proxy_nik = models.CharField(_("proxy's NIK"), max_length=16, blank=True)
    proxy_address = models.CharField(_("proxy's address"), max_length=400, blank=True)
    proxy_contact = models.CharField(_("proxy's contact"), max_length=120, blank=True)
    proxy_letter = models.FileField(
        _("special power of attorney"),
        storage=get_private_storage,
        upload_to=_private_upload_to,
        blank=True,
    )
    # --- what is asked (F22 f–i)
    information = models.TextField(_("information requested"))
    purpose = models.TextField(_("purpose of use"))
    obtain_methods = models.JSONField(_("how to obtain it"), default=list)
    copy_format = models.CharField(
        _("copy format"), max_length=8, choices=CopyFormat.choices, blank=True
    )
    delivery_method = models.CharField(
        _("delivery method"), max_length=10, choices=DeliveryMethod.choices, blank=True
    )
    # --- state (§14.1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    late_since = models.DateField(_("late since"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # --- access
    # Only a hash of the private tracking token is kept; the token is shown once.
    tracking_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="information_requests",
    )
    # A hash of the form's one-time token or the API's Idempotency-Key: a double submission
    # finds the first request instead of creating another.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    referred_from = models.ForeignKey(
        "self",
        verbose_name=_("referred from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Personal data purged after the retention period (privacy.py); the register row stays.
    purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_office", "number_year", "number_seq"],
                name="request_number_gap_free_unique",
            ),
        ]
        indexes = [
            # The officers' inbox (admin_requests.inbox): its counts per status, with or
            # without the deadline filters, read only this index (late_since included).
            models.Index(
                fields=["office", "status", "due_date", "late_since"], name="foi_request_inbox_idx"
            ),
            models.Index(fields=["body", "received_at"]),
            models.Index(fields=["number_year", "body"]),
            # The inbox's newest-first pages and its search by the number's sequence.
            models.Index(fields=["received_at", "id"], name="foi_request_newest_idx"),
            models.Index(fields=["number_seq"], name="foi_request_seq_idx"),
        ]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def is_late(self) -> bool:
        return self.late_since is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = {
    InformationRequest.Status.REGISTERED,
    InformationRequest.Status.IN_PROGRESS,
    InformationRequest.Status.EXTENDED,
}


class ServiceSettings(models.Model):
    """How one public body runs its request service (§12 routing; F25 fees; §6 retention)."""

    body = models.OneToOneField(Body, on_delete=models.PROTECT, related_name="service_settings")
    # Pelaksana send notices themselves, or the Utama approves and sends their drafts.
    pelaksana_answers_directly = models.BooleanField(
        _("PPID Pelaksana may answer directly"), default=False
    )
    # The internal due date of a forwarded request: this many working days before D2.
    internal_due_margin = models.PositiveSmallIntegerField(
        _("internal due date: working days before the statutory one"), default=3
    )
    # Personal data of closed requests is purged after this many years (0 = never).
    retention_years = models.PositiveSmallIntegerField(
        _("retention of personal data (years)"), default=5
    )
    letterhead = models.TextField(_("letterhead text"), blank=True)
    payment_instructions = models.TextField(_("payment method"), blank=True)

    class Meta:
        verbose_name = _("service settings")
        verbose_name_plural = _("service settings")

    def __str__(self) -> str:
        return str(self.body)


class FeeTariff(models.Model):
    """One line of a body's fee decree (F25): electronic copies are free."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="fee_tariffs")
    item = models.CharField(_("item"), max_length=120)
    unit = models.CharField(_("unit"), max_length=40)
    price = models.PositiveIntegerField(_("price (Rp)"))
    decree = models.CharField(_("decree"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("fee tariff")
        verbose_name_plural = _("fee tariffs")
        ordering = ["body", "item"]

    def __str__(self) -> str:
        return f"{self.item} ({self.price}/{self.unit})"


class Disposition(models.Model):
    """A forward (disposisi) of a request from one office to another, with an internal
    due date before the statutory one; every hop is a row and an event (F48 note)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Draft answered")
        RETURNED = "returned", _("Returned")

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="dispositions"
    )
    from_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    to_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="dispositions")
    internal_due_date = models.DateField(_("internal due date"))
    note = models.TextField(_("instructions"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request} → {self.to_office}"


class Notice(models.Model):
    """The written notice (pemberitahuan tertulis, "format 3"), items a–g of Pasal 22(7)
    (F18). Drafted by the handling office; sent by the Utama, or by the Pelaksana where the
    body allows it. A rejection cites its Pasal 17 ground, the DIK entry and the
    consequence test (F21, §17 #9)."""

    class Control(models.TextChoices):
        # F18 a–b
        HELD = "dikuasai", _("Held by this public body")
        NOT_HELD = "tidak_dikuasai", _("Not held")
        HELD_ELSEWHERE = "badan_lain", _("Held by another public body")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="notices"
    )
    state = models.CharField(max_length=6, choices=State.choices, default=State.DRAFT)
    letter_number = models.CharField(_("letter number"), max_length=80, blank=True)
    control = models.CharField(
        _("(a) control of the information"), max_length=16, choices=Control.choices
    )
    # (b) who holds it, if known; `other_body` when that body is in the system.
    other_body_name = models.CharField(_("(b) public body holding it"), max_length=200, blank=True)
    other_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # (c) acceptance or refusal, with Pasal 17 reasons
    decision = models.CharField(_("(c) decision"), max_length=20, choices=Outcome.choices)
    rejection_ground = models.CharField(
        _("Pasal 17 ground"), max_length=1, choices=Pasal17.choices, blank=True
    )
    rejection_reasons = models.TextField(_("reasons for refusal"), blank=True)
    exempt_entry = models.ForeignKey(
        ExemptEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    consequence_test = models.ForeignKey(
        ConsequenceTest, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    # (d) material provided; (e) blacked-out parts with reasons
    material = models.TextField(_("(d) material provided"), blank=True)
    redactions = models.TextField(_("(e) blacked-out parts and reasons"), blank=True)
    # (f) means of delivery and format
    delivery_method = models.CharField(
        _("(f) delivery method"), max_length=10, choices=DeliveryMethod.choices, blank=True
    )
    copy_format = models.CharField(
        _("(f) format"), max_length=8, choices=CopyFormat.choices, blank=True
    )
    # (g) cost and payment method
    cost = models.PositiveIntegerField(_("(g) cost (Rp)"), default=0)
    payment_method = models.CharField(_("(g) payment method"), max_length=300, blank=True)
    provision_time = models.CharField(_("time of provision"), max_length=200, blank=True)
    signatory = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set on a notice that carries out an objection the Atasan PPID granted: it replaces the
    # earlier notice's outcome (F30, §14.2 DIKABULKAN).
    objection = models.ForeignKey(
        "Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_by_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("written notice")
        verbose_name_plural = _("written notices")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="ditolak") | ~Q(rejection_ground=""),
                name="notice_rejection_has_ground",
            ),
            # One sent notice per request, and one more per objection the Atasan PPID
            # granted (§14.2: the request goes back to fulfilment).
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state="sent", objection__isnull=True),
                name="one_sent_notice_per_request",
            ),
            models.UniqueConstraint(
                fields=["objection"],
                condition=Q(state="sent"),
                name="one_sent_notice_per_granted_objection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_decision_display()}"


class Extension(models.Model):
    """The one extension of at most 7 working days, with written reasons, before D2 (F19)."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="extension"
    )
    reasons = models.TextField(_("written reasons"))
    working_days = models.PositiveSmallIntegerField(_("working days added"))
    new_due_date = models.DateField(_("new due date"))
    letter_number = models.CharField(_("letter number"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="extension_has_reasons"),
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=7),
                name="extension_at_most_7_working_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} +{self.working_days}"


class Fee(models.Model):
    """A charge for copying or delivery (F25), with its payment."""

    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="fees")
    tariff = models.ForeignKey(FeeTariff, null=True, blank=True, on_delete=models.PROTECT)
    item = models.CharField(_("item"), max_length=120)
    unit_price = models.PositiveIntegerField(_("unit price (Rp)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    total = models.PositiveIntegerField(_("total (Rp)"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Handover(models.Model):
    """Penyerahan informasi: a private, expiring download of an electronic copy, or a
    receipt for an in-person or postal handover (§13.4)."""

    class Privacy(models.TextChoices):
        REQUESTER_ONLY = "requester", _("Requester only")
        PUBLISH = "publish", _("Publish the response")

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="handovers"
    )
    method = models.CharField(_("method"), max_length=10, choices=DeliveryMethod.choices)
    file = models.FileField(
        _("electronic copy"), storage=get_private_storage, upload_to=_private_upload_to, blank=True
    )
    file_name = models.CharField(max_length=200, blank=True)
    # Hash of the download token; the link expires.
    download_hash = models.CharField(max_length=64, blank=True)
    download_expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)
    receipt_number = models.CharField(_("handover receipt number"), max_length=80, blank=True)
    received_by = models.CharField(_("received by"), max_length=200, blank=True)
    privacy = models.CharField(
        _("response privacy"),
        max_length=10,
        choices=Privacy.choices,
        default=Privacy.REQUESTER_ONLY,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_method_display()}"


class Survey(models.Model):
    """The requester's satisfaction after closure."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="survey"
    )
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="survey_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.rating}"


class ObjectionGround(models.TextChoices):
    # F28: UU 14/2008 Pasal 35(1) a–g, exhaustive
    A = "a", _("a: refusal based on a Pasal 17 exemption")
    B = "b", _("b: periodic information (Pasal 9) not provided")
    C = "c", _("c: the request was not responded to")
    D = "d", _("d: answered other than as requested")
    E = "e", _("e: the request was not fulfilled")
    F = "f", _("f: unreasonable fees")
    G = "g", _("g: information delivered later than the statutory time")


# Grounds that may be settled by deliberation (F29).
DELIBERATION_GROUNDS = {"b", "c", "d", "e", "f", "g"}


class Objection(models.Model):
    """Keberatan to the Atasan PPID (F28–F31, §14.2); its fields are the register's
    11 columns a–k."""

    class Status(models.TextChoices):
        FILED = "diajukan", _("Filed")
        DELIBERATION = "musyawarah", _("In deliberation")
        SETTLED = "selesai_musyawarah", _("Settled by deliberation")
        IN_REVIEW = "diproses_atasan", _("Under review by the Atasan PPID")
        GRANTED = "dikabulkan", _("Granted: information to be released")
        UPHELD = "menguatkan", _("PPID's decision upheld")

    class Reply(models.TextChoices):
        SATISFIED = "puas", _("Satisfied")
        NOT_SATISFIED = "tidak_puas", _("Not satisfied")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration_number = models.CharField(
        _("(a) objection registration number"), max_length=80, unique=True
    )
    number_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    number_year = models.PositiveSmallIntegerField()
    number_seq = models.PositiveIntegerField()
    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("(d) request"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("(b) received at"))
    grounds = models.JSONField(_("(g) grounds"), default=list)
    case_description = models.TextField(_("case description"))
    ground_found_on = models.DateField(_("ground found on"))
    filing_due_date = models.DateField(_("filing deadline (D4)"))
    filed_late = models.BooleanField(_("filed after the 30 working days"), default=False)
    due_date = models.DateField(_("response due (D5)"))
    policy = models.JSONField(default=dict)
    calendar_version = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED
    )
    decision_reasons = models.TextField(_("(h) decision and reasons"), blank=True)
    decided_at = models.DateTimeField(_("(i) response date"), null=True, blank=True)
    atasan = models.ForeignKey(
        Appointment,
        verbose_name=_("(j) Atasan PPID"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester_reply = models.CharField(
        _("(k) requester's reply"), max_length=12, choices=Reply.choices, blank=True
    )
    not_answered_since = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_office", "number_year", "number_seq"],
                name="objection_number_gap_free_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="menguatkan") | ~Q(decision_reasons=""),
                name="objection_upheld_needs_reasons",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number


class Dispute(models.Model):
    """A dispute at the Information Commission (F32–F34): tracked, never blocked on."""

    class Stage(models.TextChoices):
        REGISTERED = "registrasi", _("Registered")
        MEDIATION = "mediasi", _("Mediation")
        MEDIATION_SUCCESS = "mediasi_berhasil", _("Mediation succeeded (final)")
        ADJUDICATION = "ajudikasi", _("Adjudication")
        DECIDED = "putusan", _("Decision")

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="disputes")
    commission = models.CharField(_("Information Commission"), max_length=200)
    register_number = models.CharField(_("register number"), max_length=120)
    filed_on = models.DateField(_("filed on"))
    filing_due_date = models.DateField(_("filing deadline (D6)"), null=True, blank=True)
    start_due_date = models.DateField(_("start deadline (D7)"))
    finish_due_date = models.DateField(_("completion deadline (D8)"))
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.REGISTERED
    )
    decision_number = models.CharField(_("decision number"), max_length=120, blank=True)
    ruling = models.TextField(_("ruling"), blank=True)
    decision_received_on = models.DateField(_("decision received on"), null=True, blank=True)
    execution = models.TextField(_("execution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Information Commission dispute")
        verbose_name_plural = _("Information Commission disputes")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.register_number


class CourtCase(models.Model):
    """A court challenge of a KI decision (F35) and its cassation (F36: calendar days)."""

    class Court(models.TextChoices):
        PTUN = "ptun", _("Administrative court (PTUN)")
        PN = "pn", _("District court (PN)")

    class Stage(models.TextChoices):
        FILED = "gugatan", _("Filed")
        DECIDED = "putusan", _("Decided")
        CASSATION = "kasasi", _("Cassation at the Supreme Court")
        FINAL = "inkracht", _("Final and binding")

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="court_cases")
    court = models.CharField(_("court"), max_length=4, choices=Court.choices)
    case_number = models.CharField(_("case number"), max_length=120)
    filed_on = models.DateField(_("filed on"))
    filing_due_date = models.DateField(_("filing deadline (D9)"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.FILED)
    decision = models.TextField(_("decision"), blank=True)
    decision_received_on = models.DateField(_("decision received on"), null=True, blank=True)
    cassation_due_date = models.DateField(_("cassation deadline (D10)"), null=True, blank=True)
    cassation_filed_on = models.DateField(_("cassation filed on"), null=True, blank=True)
    cassation_number = models.CharField(_("cassation number"), max_length=120, blank=True)
    cassation_result = models.TextField(_("cassation result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("court case")
        verbose_name_plural = _("court cases")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.case_number


class CaseDocument(models.Model):
    """A document filed with a dispute or a court case (private)."""

    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    court_case = models.ForeignKey(
        CourtCase, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=get_private_storage, upload_to=_private_upload_to)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(dispute__isnull=False) | Q(court_case__isnull=False),
                name="case_document_has_case",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Letter(models.Model):
    """A numbered letter generated as PDF on the body's letterhead (§15): receipt,
    notice, extension, refusal decision, handover receipt, objection receipt, decision."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Proof of receipt")
        NOTICE = "notice", _("Written notice")
        EXTENSION = "extension", _("Extension letter")
        REJECTION = "rejection", _("Decision refusing the request")
        HANDOVER = "handover", _("Handover receipt")
        FEE_RECEIPT = "fee_receipt", _("Fee receipt")
        OBJECTION_RECEIPT = "objection_receipt", _("Objection form (receipt)")
        OBJECTION_DECISION = "objection_decision", _("Atasan PPID's response")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="letters"
    )
    objection = models.ForeignKey(
        Objection, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("letter number"), max_length=80, unique=True)
    # What the letter says, frozen when it was numbered (letters.snapshot); the PDF in
    # `file` is rendered from it on first use (letters.letter_file).
    content = models.JSONField(default=dict, editable=False)
    file = models.FileField(storage=get_private_storage, upload_to=_private_upload_to, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.number


class PersonalDataAccess(models.Model):
    """Every unmasked view of a request's personal data (§6)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=60)  # "case page", "id scan", "register export", ...
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.what} {self.request_id}"


class AnnualReport(models.Model):
    """Laporan layanan informasi publik (F15): statistics computed from the registers at
    generation time, narrative sections (a), (d), (e) edited by the office."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    general_policy = models.TextField(_("(a) general policy"), blank=True)
    obstacles = models.TextField(_("(d) external and internal obstacles"), blank=True)
    recommendations = models.TextField(_("(e) recommendations and follow-up"), blank=True)
    sent_to_atasan_on = models.DateField(_("sent to the Atasan PPID on"), null=True, blank=True)
    sent_to_ki_on = models.DateField(
        _("copy sent to the Information Commission on"), null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="annual_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"
