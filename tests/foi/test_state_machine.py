"""The request state machine (§14.1): every illegal step is refused with a clear message
and changes nothing; racing steps let exactly one through."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from ppid.core.models import Event, OutboxMessage
from ppid.foi import services
from ppid.foi.models import (
    Disposition,
    Extension,
    Fee,
    Handover,
    InformationRequest,
    Letter,
    Notice,
    Survey,
)

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
RECEIVED = datetime.datetime(2026, 7, 8, 10, 0, tzinfo=WIB)  # D2 = Wed 22 July 2026
GRANT = {"control": "dikuasai", "decision": "diterima_seluruhnya"}
REJECT = {
    "control": "dikuasai",
    "decision": "ditolak",
    "rejection_ground": "h",
    "rejection_reasons": "Rahasia pribadi",
}
NOT_HELD = {"control": "badan_lain", "decision": "", "other_body_name": "BPN"}


@pytest.fixture(autouse=True)
def _received_day():
    with time_machine.travel(RECEIVED, tick=False):
        yield


def _notice(request, actor, **fields):
    notice = services.notice_draft(request, actor=actor, **fields)
    services.notice_send(notice, actor=actor)
    request.refresh_from_db()
    return notice


# Each state is reached through the services, by the PPID Utama handling the request.
def _registered(request, actor):
    return request


def _extended(request, actor):
    services.request_extend(request, actor=actor, reasons="Perlu waktu")
    return request


def _notified(request, actor):
    _notice(request, actor, **GRANT)
    return request


def _rejected(request, actor):
    _notice(request, actor, **REJECT)
    return request


def _not_held(request, actor):
    _notice(request, actor, **NOT_HELD)
    return request


def _awaiting_payment(request, actor):
    request.copy_format, request.delivery_method = "hardcopy", "langsung"
    request.save()
    _notice(request, actor, **GRANT, cost=5000, payment_method="Tunai")
    return request


def _delivered(request, actor):
    _notified(request, actor)
    services.handover_record(request, actor=actor, method="langsung")
    return request


def _closed(request, actor):
    _notified(request, actor)
    services.request_close(request, actor=actor)
    return request


def _withdrawn(request, actor):
    services.notice_draft(request, actor=actor, **GRANT)  # a draft is never sent afterwards
    services.request_withdraw(request, reason="")
    return request


STATES = {
    "registered": _registered,
    "extended": _extended,
    "notified": _notified,
    "rejected": _rejected,
    "not_held": _not_held,
    "awaiting_payment": _awaiting_payment,
    "delivered": _delivered,
    "closed": _closed,
    "withdrawn": _withdrawn,
}


def _pdf():
    return SimpleUploadedFile("salinan.pdf", b"%PDF-1.4\n%%EOF\n")


STEPS = {
    "forward": lambda r, a, c: services.request_forward(r, actor=a, to_offices=[c["office_a"]]),
    "draft": lambda r, a, c: services.notice_draft(r, actor=a, **GRANT),
    "resend": lambda r, a, c: services.notice_send(r.notices.get(), actor=a),
    "extend": lambda r, a, c: services.request_extend(r, actor=a, reasons="Lagi"),
    "fee": lambda r, a, c: services.fee_add(r, actor=a, item="Fotokopi", unit_price=200,
                                             quantity=3),
    "handover": lambda r, a, c: services.handover_record(r, actor=a, method="email",
                                                          file=_pdf()),
    "refer": lambda r, a, c: services.request_refer(r, actor=a, other_body=c["other_body"]),
    "close": lambda r, a, c: services.request_close(r, actor=a),
    "withdraw": lambda r, a, c: services.request_withdraw(r, reason=""),
    "survey": lambda r, a, c: services.survey_submit(r, rating=5),
}  # fmt: skip

ILLEGAL = [
    ("registered", "handover"),  # no handover before a granting notice
    ("registered", "close"),  # no closing before the notice
    ("registered", "refer"),  # referral follows a not-held notice
    ("registered", "survey"),
    ("extended", "extend"),  # F19: one extension only
    ("notified", "draft"),  # one notice per request
    ("notified", "resend"),
    ("notified", "extend"),  # the notice is sent: nothing to extend
    ("notified", "forward"),
    ("notified", "withdraw"),
    ("rejected", "handover"),
    ("rejected", "fee"),
    ("not_held", "handover"),
    ("awaiting_payment", "handover"),  # fees first
    ("delivered", "fee"),
    ("delivered", "withdraw"),
    *[("closed", step) for step in STEPS if step != "survey"],
    *[("withdrawn", step) for step in STEPS],
]


def _snapshot(request) -> dict:
    row = InformationRequest.objects.values().get(pk=request.pk)
    row.pop("updated_at")
    return {
        "row": row,
        "events": Event.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "letters": Letter.objects.count(),
        "notices": list(Notice.objects.values_list("pk", "state")),
        "extensions": Extension.objects.count(),
        "fees": list(Fee.objects.values_list("pk", "paid_at")),
        "handovers": Handover.objects.count(),
        "dispositions": Disposition.objects.count(),
        "surveys": Survey.objects.count(),
        "requests": InformationRequest.objects.count(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "step"), ILLEGAL)
def test_an_illegal_step_is_refused_and_changes_nothing(
    make_request, utama, office_a, other_office, utama_officer, state, step
):
    request = STATES[state](make_request(office=utama), utama_officer)
    before = _snapshot(request)
    context = {"office_a": office_a, "other_body": other_office.body}
    with pytest.raises(ValidationError) as caught:
        STEPS[step](request, utama_officer, context)
    assert caught.value.messages and all(caught.value.messages)
    assert _snapshot(request) == before


@pytest.mark.django_db
def test_an_extension_after_d2_is_refused(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    with time_machine.travel(datetime.datetime(2026, 7, 23, 8, 0, tzinfo=WIB), tick=False):
        with pytest.raises(ValidationError):
            services.request_extend(request, actor=officer_a, reasons="Terlambat")
    assert not Extension.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reasons": ""}, "reasons"),
        ({"reasons": "x", "working_days": 8}, "working_days"),
        ({"reasons": "x", "working_days": 0}, "working_days"),
        ({"reasons": "x", "working_days": "7"}, "working_days"),
    ],
)
def test_an_extension_needs_reasons_and_at_most_seven_working_days(
    make_request, office_a, officer_a, kwargs, field
):
    request = make_request(office=office_a)
    with pytest.raises(ValidationError) as caught:
        services.request_extend(request, actor=officer_a, **kwargs)
    assert field in caught.value.message_dict


@pytest.mark.django_db
def test_a_pelaksana_cannot_forward(make_request, office_a, office_b, officer_a):
    request = make_request(office=office_a)
    with pytest.raises(ValidationError):
        services.request_forward(request, actor=officer_a, to_offices=[office_b])
    assert not Disposition.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer_b", "outsider", "atasan", "citizen"])
def test_people_not_handling_the_request_may_not_act(make_request, office_a, persona, request):
    actor = request.getfixturevalue(persona)
    case = make_request(office=office_a)
    before = _snapshot(case)
    for step in (
        lambda: services.notice_draft(case, actor=actor, **GRANT),
        lambda: services.request_extend(case, actor=actor, reasons="x"),
        lambda: services.request_forward(case, actor=actor, to_offices=[office_a]),
        lambda: services.request_close(case, actor=actor),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert _snapshot(case) == before


# --- races --------------------------------------------------------------------------------


def _race(n: int, action) -> list:
    """Run `action` in n threads at once; each returns "ok" or the exception's class name."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            action(i)
            results[i] = "ok"
        except (ValidationError, PermissionDenied) as exc:
            results[i] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_officers_sending_notices_at_once_send_exactly_one(make_request, utama, utama_officer):
    request = make_request(office=utama)
    drafts = [services.notice_draft(request, actor=utama_officer, **GRANT)]
    second = Notice.objects.create(
        request=request, drafted_by_office=utama, drafted_by=utama_officer, **GRANT
    )
    drafts.append(second)

    def send(i):
        services.notice_send(Notice.objects.get(pk=drafts[i].pk), actor=utama_officer)

    results = _race(2, send)
    assert sorted(results) == ["ValidationError", "ok"]
    assert Notice.objects.filter(state="sent").count() == 1
    assert Letter.objects.filter(kind=Letter.Kind.NOTICE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_extensions_make_exactly_one(make_request, office_a, officer_a):
    request = make_request(office=office_a)

    def extend(i):
        services.request_extend(
            InformationRequest.objects.get(pk=request.pk), actor=officer_a, reasons=f"Alasan {i}"
        )

    results = _race(4, extend)
    assert sorted(results) == ["ValidationError"] * 3 + ["ok"]
    assert Extension.objects.count() == 1
    assert Event.objects.filter(action="extended").count() == 1
