"""The information-request service in a real browser (issue 3 §9): a citizen submitting,
tracking and objecting; officers forwarding, extending and answering; and accessibility
(axe-core) of the citizen's pages.

Pages are in Bahasa Indonesia by default and their words are being translated, so elements
are found by name attributes, URLs and data (numbers, dates in <time datetime>), and every
label the test compares is rendered from the same model choices in the page's language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from ppid.core.calendar import add_working_days, policy_for
from ppid.core.models import OutboxMessage
from ppid.foi import services
from ppid.foi.models import (
    InformationRequest,
    Letter,
    Notice,
    Objection,
    Outcome,
    ServiceSettings,
)
from ppid.foi.rules import LIMITS

from .conftest import assert_accessible

pytestmark = [
    pytest.mark.browser,
    # Transactional: the live server's thread must see the test data; serialized_rollback
    # keeps Wagtail's root page and site, which the admin needs.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # tests/factories.py: every persona's password
# A structurally valid NIK (F22 b): province 62, regency 71, district 01, a man born on
# 12 January 1988, sequence 0003.
NIK = "6271011201880003"
EMAIL = "rahmat.warga@example.org"
INFORMATION = "Salinan dokumen pelaksanaan anggaran Dinas A tahun 2025"
UID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas are created (and log in) with these: PBKDF2 would cost seconds each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(path: str) -> re.Pattern:
    """The page's URL is exactly this path (a regular expression)."""
    return re.compile(r"^https?://[^/]+" + path + "$")


def label(choice) -> str:
    """A choice's label as the page shows it (the site's default language)."""
    with translation.override("id"):
        return str(choice.label)


def local_only(context, live_server) -> None:
    """Refuse every request that leaves the test server (the Wagtail admin asks an outside
    avatar service for each officer's picture): tests reach no other host."""
    outside = re.compile(r"^(?!" + re.escape(live_server.url) + r"/)(https?|wss?)://")
    context.route(outside, lambda route: route.abort())


@pytest.fixture
def page(page, live_server):
    local_only(page.context, live_server)
    return page


@pytest.fixture
def new_page(browser, live_server):
    """Another browser (its own cookies): new_page() -> Page. Closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        local_only(context, live_server)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def staff_page(new_page):
    """A browser with `user` logged into the back office through the real login form
    (django-axes counts it), landing on the request inbox."""

    def login(user):
        page = new_page()
        inbox = reverse("foi_admin:inbox")
        page.goto(f"/admin/login/?next={inbox}")
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password]").press("Enter")
        expect(page).to_have_url(at(re.escape(inbox)))
        return page

    return login


def fill_request_form(page, office) -> None:
    """Fill the public request form (F22 a–i, F23) as a person does: an individual asking
    for an electronic copy by e-mail."""
    form = page.locator("#request-form")
    form.locator("select[name=office]").select_option(office.slug)
    form.locator("input[name=requester_kind][value=perorangan]").check()
    form.locator("input[name=name]").fill("Rahmat Hidayat")
    form.locator("input[name=nik]").fill(NIK)
    form.locator("textarea[name=address]").fill("Jl. G. Obos No. 12, Palangka Raya")
    form.locator("input[name=occupation]").fill("Dosen")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("textarea[name=information]").fill(INFORMATION)
    form.locator("textarea[name=purpose]").fill("Bahan penelitian tentang transparansi anggaran")
    copy = form.locator("input[name=copy_format][value=softcopy]")
    # The copy's format and delivery only appear once a copy is asked for (progressive
    # enhancement of the form; without JavaScript they are always shown).
    expect(copy).to_be_hidden()
    form.locator("input[name=obtain_methods][value=salinan]").check()
    expect(copy).to_be_visible()
    copy.check()
    form.locator("input[name=delivery_method][value=email]").check()
    form.locator("input[name=consent]").check()


def submit_request(office, *, email=EMAIL) -> services.Submitted:
    """A request submitted online through the service (for the officer and objection
    journeys, which start after it)."""
    data = services.RequestData(
        office=office,
        requester=services.RequesterData(
            kind="perorangan",
            name="Rahmat Hidayat",
            address="Jl. G. Obos No. 12, Palangka Raya",
            nik=NIK,
            email=email,
        ),
        information=INFORMATION,
        purpose="Bahan penelitian tentang transparansi anggaran",
        obtain_methods=["salinan"],
        copy_format="softcopy",
        delivery_method="email",
    )
    return services.request_submit(data)


def refuse(case, officer, sender) -> None:
    """The written notice refusing the request under Pasal 17 a (F18 c, F21)."""
    notice = services.notice_draft(
        case,
        actor=officer,
        control=Notice.Control.HELD,
        decision=Outcome.REJECTED,
        rejection_ground="a",
        rejection_reasons="Membuka informasi ini dapat menghambat proses penyidikan.",
    )
    services.notice_send(notice, actor=sender)


# --- the citizen ---------------------------------------------------------------------------


def test_a_citizen_submits_a_request_once_and_tracks_it(page, new_page, office_a):
    """F17, D2, §17 #7: the number and due date at once; a double submission is one
    request; the request is found by number and e-mail, and by the private link."""
    page.goto(reverse("foi:submit"))
    fill_request_form(page, office_a)
    # The same form as the browser would post it again (no file fields are filled).
    posted = page.evaluate(
        """() => [...new FormData(document.getElementById("request-form"))]
                 .filter(([, value]) => typeof value === "string")"""
    )
    page.locator("#request-form button[type=submit]").dblclick()

    expect(page).to_have_url(at(r"/permohonan/diterima/" + UID + "/"))
    number = page.locator(".receipt .registration-number").inner_text().strip()
    case = InformationRequest.objects.get()
    assert case.registration_number == number
    assert (case.nik, case.email, case.office) == (NIK, EMAIL, office_a)
    assert (case.obtain_methods, case.copy_format, case.delivery_method) == (
        ["salinan"],
        "softcopy",
        "email",
    )
    # D2: 10 working days after the day of receipt (F18), as the service computed it.
    expected_due, _skipped = add_working_days(
        case.counting_from, LIMITS.response_wd, policy_for(case.body)
    )
    assert case.due_date == case.due_date_original == expected_due
    # The first date of the deadline explanation is the due date itself.
    due_shown = page.locator(".deadline-explanation time").first
    expect(due_shown).to_have_attribute("datetime", f"{case.due_date:%Y-%m-%d}")
    tracking_link = page.locator(".tracking-link a").get_attribute("href")
    assert re.search(r"/permohonan/lacak/[^/]+/$", tracking_link)
    assert NIK not in tracking_link and "@" not in tracking_link
    confirmation = page.url

    # The browser posting the very same form again (the button's guard bypassed) is led to
    # the first request.
    again = page.evaluate(
        """async ([url, fields]) => {
            const response = await fetch(url, {method: "POST", body: new URLSearchParams(fields)});
            return {ok: response.ok, url: response.url};
        }""",
        [reverse("foi:submit"), posted],
    )
    assert again == {"ok": True, "url": confirmation}
    assert InformationRequest.objects.count() == 1

    page.goto(reverse("foi:track"))
    page.locator("input[name=registration_number]").fill(number)
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("form.foi-form button[type=submit]").click()
    expect(page).to_have_url(at(re.escape(reverse("foi:case", args=[case.uid]))))
    expect(page.locator("h1 .registration-number")).to_have_text(number)
    expect(page.locator(".status-badge").first).to_have_text(
        label(InformationRequest.Status.REGISTERED)
    )

    # The private link opens the case in a browser that never saw it before.
    stranger = new_page()
    stranger.goto(tracking_link)
    expect(stranger.locator("h1 .registration-number")).to_have_text(number)
    expect(stranger.locator(".status-badge").first).to_have_text(
        label(InformationRequest.Status.REGISTERED)
    )
    expect(stranger.locator("main")).to_contain_text(INFORMATION)


def test_a_refused_citizen_objects_from_the_tracking_link(page, office_a, officer_a, utama_officer):
    """F28, F31, §17 #1: after a Pasal 17 refusal the tracking page leads to the objection
    form with ground a pre-selected; filing gives the objection's number."""
    submitted = submit_request(office_a)
    case = submitted.request
    refuse(case, officer_a, utama_officer)

    page.goto(reverse("foi:track_token", args=[submitted.tracking_token]))
    expect(page.locator("h1 .registration-number")).to_have_text(case.registration_number)
    expect(page.locator(".status-badge").first).to_have_text(
        label(InformationRequest.Status.NOTIFIED)
    )
    page.locator(f'a[href="{reverse("foi_objections:new", args=[case.uid])}"]').click()

    expect(page).to_have_url(at(re.escape(reverse("foi_objections:new", args=[case.uid]))))
    grounds = page.locator("input[name=grounds]")
    expect(grounds).to_have_count(7)  # a–g, exhaustive (F28)
    expect(page.locator("input[name=grounds][value=a]")).to_be_checked()
    for code in "bcdefg":
        expect(page.locator(f"input[name=grounds][value={code}]")).not_to_be_checked()
    page.locator("textarea[name=case_description]").fill(
        "Informasi anggaran ini terbuka; penolakan tidak disertai uji konsekuensi."
    )
    page.locator("form.foi-form button[type=submit]").click()

    expect(page).to_have_url(
        at(re.escape(reverse("foi:case", args=[case.uid])) + r"keberatan/" + UID + "/")
    )
    objection = Objection.objects.get()
    assert objection.request == case and objection.grounds == ["a"]
    expect(page.locator(".objection-receipt .registration-number")).to_have_text(
        objection.registration_number
    )
    expect(page.locator(".objection-receipt .status-badge").first).to_have_text(
        label(Objection.Status.FILED)
    )


# --- the officers ------------------------------------------------------------------------


def test_officers_forward_extend_and_answer_a_request(
    staff_page, province, utama, office_a, utama_officer, officer_a
):
    """F48 note, F19, F18, §12: the PPID Utama forwards to the PPID Pelaksana, who extends
    the deadline once and drafts the notice; the Utama approves and sends it (the body does
    not let its Pelaksana answer directly)."""
    ServiceSettings.objects.create(body=province, pelaksana_answers_directly=False)
    case = submit_request(utama).request
    case_path = re.escape(reverse("foi_admin:request", args=[case.uid]))

    uma = staff_page(utama_officer)
    uma.get_by_role("link", name=case.registration_number, exact=True).click()
    expect(uma).to_have_url(at(case_path))
    forward = reverse("foi_admin:forward", args=[case.uid])
    uma.locator(f'a[href="{forward}"]').click()
    uma.locator(f"input[name=to_offices][value='{office_a.pk}']").check()
    uma.locator("textarea[name=note]").fill("Mohon disiapkan jawabannya oleh Dinas A.")
    uma.locator("main form[method=post] button[type=submit]").click()
    expect(uma).to_have_url(at(case_path))
    expect(uma.locator("main")).to_contain_text("Mohon disiapkan jawabannya oleh Dinas A.")
    case.refresh_from_db()
    assert case.office == office_a
    assert case.dispositions.get().to_office == office_a

    alice = staff_page(officer_a)
    alice.get_by_role("link", name=case.registration_number, exact=True).click()
    expect(alice).to_have_url(at(case_path))
    # Forwarding is the Utama's step: the Pelaksana is not offered it.
    expect(alice.locator(f'a[href="{forward}"]')).to_have_count(0)
    alice.locator(f'a[href="{reverse("foi_admin:extend", args=[case.uid])}"]').click()
    alice.locator("textarea[name=reasons]").fill("Dokumen masih dihimpun dari tiga bidang.")
    alice.locator("input[name=working_days]").fill(str(LIMITS.extension_wd))
    alice.locator("main form[method=post] button[type=submit]").click()
    expect(alice).to_have_url(at(case_path))
    # D3: 7 working days after D2 (F19), shown where the deadline is explained.
    extended, _skipped = add_working_days(
        case.due_date_original, LIMITS.extension_wd, policy_for(case.body)
    )
    assert extended > case.due_date_original
    due_shown = alice.locator(".deadline-explanation time").first
    expect(due_shown).to_have_attribute("datetime", f"{extended:%Y-%m-%d}")
    expect(alice.locator("main")).to_contain_text("Dokumen masih dihimpun dari tiga bidang.")
    case.refresh_from_db()
    assert (case.due_date, case.due_date_extended) == (extended, extended)
    assert case.status == InformationRequest.Status.EXTENDED

    alice.locator(f'a[href="{reverse("foi_admin:notice_draft", args=[case.uid])}"]').click()
    alice.locator("select[name=control]").select_option(Notice.Control.HELD)
    alice.locator("select[name=decision]").select_option(Outcome.GRANTED_FULL)
    alice.locator("textarea[name=material]").fill("Salinan DPA Dinas A tahun 2025 (PDF)")
    alice.locator("main form[method=post] button[type=submit]").click()
    expect(alice).to_have_url(at(case_path))
    notice = case.notices.get()
    assert (notice.state, notice.decision) == (Notice.State.DRAFT, Outcome.GRANTED_FULL)

    # The Utama approves the Pelaksana's draft and sends it (§12).
    uma.goto(reverse("foi_admin:request", args=[case.uid]))
    send = f'form[action="{reverse("foi_admin:notice_send", args=[case.uid])}"] button'
    uma.locator(send).click()
    expect(uma).to_have_url(at(case_path))
    case.refresh_from_db()
    assert case.status == InformationRequest.Status.NOTIFIED
    assert case.outcome == Outcome.GRANTED_FULL
    expect(uma.locator(".w-status").first).to_have_text(label(InformationRequest.Status.NOTIFIED))
    letter = case.letters.get(kind=Letter.Kind.NOTICE)
    letter_link = uma.get_by_role("link", name=letter.number, exact=True)
    expect(uma.locator("tr", has=letter_link)).to_contain_text(label(Letter.Kind.NOTICE))
    expect(uma.locator(send)).to_have_count(0)  # nothing left to send
    notice.refresh_from_db()
    assert notice.sent_by == utama_officer
    # The requester's notice e-mail is in the outbox (written with the sending).
    mail = OutboxMessage.objects.get(to=EMAIL, kind="requester:notice_sent")
    assert case.registration_number in mail.subject
    assert OutboxMessage.objects.filter(to=EMAIL, kind="requester:extended").exists()


# --- accessibility ------------------------------------------------------------------------


def test_the_citizens_request_pages_have_no_serious_or_critical_violations(
    page, office_a, officer_a, utama_officer
):
    """The request form (empty and with its error summary), the confirmation, the tracking
    page (also after a miss) and the objection form."""
    failures = {}

    def check(name):
        try:
            assert_accessible(page)
        except pytest.fail.Exception as exc:
            failures[name] = str(exc)

    page.goto(reverse("foi:submit"))
    check("request form")
    page.locator("#request-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check("request form with errors")
    page.goto(reverse("foi:submit"))
    fill_request_form(page, office_a)
    page.locator("#request-form button[type=submit]").click()
    expect(page).to_have_url(at(r"/permohonan/diterima/" + UID + "/"))
    check("confirmation")
    page.goto(reverse("foi:track"))
    check("tracking")
    page.locator("input[name=registration_number]").fill("X/0000/2026")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("form.foi-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("tracking, not found")

    case = InformationRequest.objects.get()
    refuse(case, officer_a, utama_officer)
    page.goto(reverse("foi_objections:new", args=[case.uid]))  # this browser submitted it
    expect(page.locator("input[name=grounds][value=a]")).to_be_checked()
    check("objection form")
    assert not failures, "\n\n".join(f"[{name}] {text}" for name, text in failures.items())
