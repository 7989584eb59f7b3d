"""E-mails of the request service, written to the outbox in the caller's transaction.

    notify_requester(request, "submitted", tracking_url=...)
    notify_office(office, "assigned", request, internal_due_date=...)

The subject of each kind is below, its body in foi/mail/<audience>/<kind>.txt; both are
rendered in the site's language (Bahasa Indonesia: requests store no language of their
own). Mails to officers carry the registration number, dates and a link to the back
office, never the requester's NIK, telephone or address (§6).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ppid.core.outbox import outbox_write
from ppid.organizations.access import office_staff
from ppid.organizations.models import Office, Role

from .letters import rupiah
from .rules import LIMITS

# Subjects: %(number)s is the request's registration number, %(objection)s the objection's.
REQUESTER_SUBJECTS = {
    "submitted": _("Your information request %(number)s was received"),
    "forwarded": _("Your information request %(number)s is being processed"),
    "notice_sent": _("Written notice on your information request %(number)s"),
    "extended": _("The answer to your information request %(number)s is extended"),
    "fee_due": _("Costs to pay for your information request %(number)s"),
    "handed_over": _("The information you requested is ready (%(number)s)"),
    "closed": _("Your information request %(number)s is closed"),
    "late": _("Your information request %(number)s was not answered in time"),
    "objection_filed": _("Your objection %(objection)s was received"),
    "objection_decided": _("Response to your objection %(objection)s"),
    "objection_unanswered": _("Your objection %(objection)s was not answered in time"),
}
OFFICE_SUBJECTS = {
    "received": _("New information request %(number)s"),
    "assigned": _("Information request %(number)s was forwarded to your office"),
    "due_soon": _("Information request %(number)s is due soon"),
    "overdue": _("Information request %(number)s is overdue"),
    "objection_filed": _("Objection %(objection)s on information request %(number)s"),
    "objection_decided": _("Objection %(objection)s was decided"),
    "objection_unanswered": _("Objection %(objection)s was not answered in time"),
}

# Who in an office hears about a case: its PPID officers and service desk; the Atasan
# PPID too when it is about an objection (he decides it, F30).
OFFICE_ROLES = [Role.PPID_UTAMA, Role.PPID_PELAKSANA, Role.SERVICE_DESK]


def _site_url(name: str, *args) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


def _render(audience: str, kind: str, subjects: dict, request, context: dict) -> tuple:
    if kind not in subjects:
        raise ValueError(f"unknown {audience} notification kind: {kind}")
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "request": request,
            "number": request.registration_number,
            "office": request.office,
            "body": request.body,
            "due_date": request.due_date,
            "track_url": _site_url("foi:track"),
            "limits": LIMITS,
            "case_url": _site_url("foi_admin:request", request.uid),
            **context,
        }
        if "total" in context:
            values["total_text"] = rupiah(context["total"])
        subject = subjects[kind] % {
            "number": request.registration_number,
            "objection": context.get("objection_number", ""),
        }
        body = render_to_string(f"foi/mail/{audience}/{kind}.txt", values)
    return str(subject), _tidy(body)


def _tidy(text: str) -> str:
    # Template tags leave blank lines behind: keep at most one between paragraphs.
    lines, blank = [], False
    for line in (raw.rstrip() for raw in text.strip().splitlines()):
        if not line and blank:
            continue
        blank = not line
        lines.append(line)
    return "\n".join(lines) + "\n"


def requester_mails(request, kind: str, **context) -> list[dict]:
    """The requester's mail about one step, as outbox_write() arguments without `about`
    (none when he left no e-mail address)."""
    if not request.email:
        return []
    subject, body = _render("requester", kind, REQUESTER_SUBJECTS, request, context)
    return [
        {
            "to": request.email,
            "subject": subject,
            "body": body,
            "office": request.office,
            "kind": f"requester:{kind}",
        }
    ]


def notify_requester(request, kind: str, **context) -> None:
    """Write the requester's mail about one step (none when he left no e-mail address)."""
    for mail in requester_mails(request, kind, **context):
        outbox_write(**mail, about=request)


def office_recipients(office, kind: str = "") -> list[str]:
    """The addresses of the officers currently appointed to `office`, and its own."""
    roles = OFFICE_ROLES + ([Role.ATASAN_PPID] if kind.startswith("objection_") else [])
    emails = {
        row["user__email"]
        for row in office_staff(office)
        if row["role"] in roles and row["user__is_active"] and row["user__email"]
    }
    if office.email:
        emails.add(office.email)
    return sorted(emails)


def office_mails(office, kind: str, request, *, recipients=None, **context) -> list[dict]:
    """One mail per officer of `office` about `request` (to `recipients` when the caller
    read office_recipients() already), as outbox_write() arguments without `about`."""
    if recipients is None:
        recipients = office_recipients(office, kind)
    if not recipients:
        return []
    subject, body = _render("office", kind, OFFICE_SUBJECTS, request, {"office": office, **context})
    return [
        {"to": email, "subject": subject, "body": body, "office": office, "kind": f"office:{kind}"}
        for email in recipients
    ]


def notify_office(office, kind: str, request, *, recipients=None, **context) -> None:
    """Write one mail per officer of `office` about `request`."""
    for mail in office_mails(office, kind, request, recipients=recipients, **context):
        outbox_write(**mail, about=request)


def notify_calendar_review(seeded) -> None:
    """Ask the officers of every PPID Utama to review the working-day calendar of the years
    just seeded from the `holidays` package (F44): the government's joint decree on cuti
    bersama is often revised after the package was released, and only they can add or
    remove a day."""
    years = ", ".join(str(r.year) for r in seeded)
    try:
        url = settings.SITE_URL.rstrip("/") + reverse("calendar_admin:index")
    except NoReverseMatch:
        url = ""
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(_("Review the working-day calendar of %(years)s") % {"years": years})
        for office in Office.objects.filter(kind=Office.Kind.UTAMA).select_related("body"):
            recipients = office_recipients(office)
            if not recipients:
                continue
            body = _tidy(
                render_to_string(
                    "foi/mail/office/calendar_review.txt",
                    {"office": office, "seeded": seeded, "years": years, "calendar_url": url},
                )
            )
            for email in recipients:
                outbox_write(
                    to=email,
                    subject=subject,
                    body=body,
                    office=office,
                    kind="office:calendar_review",
                )
