"""WCAG 2.2 AA on every kind of public page, checked in headless Chromium (tests/conftest.py).

axe-core finds what a machine can (contrast, names, landmarks, target size...) in the light
and the dark colour scheme; the other tests check what it cannot: keyboard order from the
skip link, a visible focus outline on everything that takes focus, 24 px targets, no
sideways scrolling from 320 to 1920 px, and the print stylesheet.

axe-core is an npm package that `.ci/run` installs into .ci/node_modules (`npm ci --prefix
.ci`); AXE_CORE_JS may point at another copy of axe.min.js. Without it these tests skip
(under .ci/run, where REQUIRE_BROWSER is set, they fail instead).
"""

import datetime
import io
import itertools
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.dates import DatePrecision
from core.drafts import share_token
from core.models import Section, ShareLink
from core.tests.factories import OrganisationFactory, PersonFactory, SectionFactory
from delegations.applications import withdraw_token
from delegations.models import Application, Dispatch
from delegations.tests.factories import (
    ApplicationFactory,
    CountryFactory,
    DelegationFactory,
    DelegationPartnerFactory,
    DispatchFactory,
    ItineraryDayFactory,
    PhotoFactory,
    ReportFactory,
    TestimonialFactory,
    TopicFactory,
    VisitFactory,
)
from mail.models import Subscriber
from mail.tokens import confirm_token, unsubscribe_token
from symposium.models import Session
from symposium.tests.factories import (
    ResourceFactory,
    SymposiumFactory,
    SymposiumPartnerFactory,
)
from tests.helpers import admin_url, axe_violations, form_data, jpeg

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
SCHEMES = ["light", "dark"]
HTML = "text/html; charset=utf-8"
WIDTHS = [320, 375, 768, 1024, 1440, 1920]
FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, audio[controls], "
    "[tabindex]:not([tabindex='-1'])"
)


def pdf(name="report.pdf"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, "PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def site(live_server):
    """One of each kind of public page, with everything it can show, as {name: path}.

    Pages reached by submitting a form are opened by `visit()`. A callable instead of a
    path makes a fresh one for each visit: the page of a link that works once (withdrawing
    an application, confirming an address) looks different when it is opened again.
    """
    today = timezone.localdate()
    desk = PersonFactory(name="Delegations Desk", email="desk@cosn.example")
    leadership = SectionFactory(
        key=Section.Key.GLOBAL_LEADERSHIP,
        heading="Global Leadership",
        intro="<p>CoSN leads educators abroad and hosts an annual symposium.</p>",
    )
    SectionFactory(key=Section.Key.DELEGATIONS, contact=desk)
    SectionFactory(
        key=Section.Key.SYMPOSIUM,
        heading="International Symposium",
        intro="<p>One theme a year.</p>",
    )
    CountryFactory(name="Portugal", code="PT")
    CountryFactory(name="Singapore", code="SG")
    unesco = OrganisationFactory(name="UNESCO", website="https://www.unesco.org/")

    past = DelegationFactory(
        title="Lisbon and Porto",
        slug="lisbon-and-porto",
        destinations=["Portugal", "Singapore"],
        body="<p>Schools, ministries and <a href='https://example.org/'>a partner</a>.</p>",
        hero_image=jpeg((1600, 700), "hero.jpg"),
        hero_alt="Delegates outside a school",
    )
    past.topics.add(TopicFactory(name="Digital equity"))
    past.contacts.add(PersonFactory())
    DelegationPartnerFactory(delegation=past, organisation=unesco)
    PhotoFactory(delegation=past, image=jpeg(), alt_text="A classroom of pupils")
    PhotoFactory(delegation=past)  # no picture online: its caption
    report = ReportFactory(
        delegation=past,
        external_url="",
        file=pdf(),
        cover_image=jpeg((300, 400), "cover.jpg"),
        cover_alt="The report's cover",
        published_on=datetime.date(2014, 1, 15),
        alternate_title="Abriendo Puertas",
        alternate_language="es",
    )
    offline = ReportFactory(delegation=past, external_url="", not_online=True)
    ReportFactory(delegation=past, page_count=48, key_findings="<ul><li>Broadband</li></ul>")
    delegate = PersonFactory(
        name="Ada Delegate",
        title="CTO",
        organisation=unesco,
        listed=True,
        bio="Leads technology for 40 schools.",
        photo=jpeg((400, 400), "ada.jpg"),
        photo_alt="Ada, smiling",
    )
    past.delegates.add(delegate)
    TestimonialFactory(delegation=past, person=delegate, on_landing=True)
    lisbon = ItineraryDayFactory(delegation=past, city="Lisbon", date=past.start_date)
    VisitFactory(day=lisbon, name="Escola de Camões", url="https://example.org/camoes")
    VisitFactory(day=lisbon, kind="ministry", name="Ministry of Education", description="Talks.")
    blog = DispatchFactory(delegation=past, author=delegate)
    podcast = DispatchFactory(
        delegation=past,
        kind=Dispatch.Kind.PODCAST,
        body="",
        audio_url="https://podcasts.example.org/episode.mp3",
        transcript="<p>Welcome to the episode.</p>",
    )
    # Enough past trips for the archive to have a second page.
    DelegationFactory.create_batch(31, start_date=datetime.date(2009, 5, 4))

    start = today + datetime.timedelta(days=60)
    upcoming = DelegationFactory(
        title="Helsinki",
        slug="helsinki",
        destinations=["Finland"],
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        registration="<p>Places are limited.</p>",
        agenda_url="https://example.org/agenda",
        # Its key facts, and so the application form.
        cost=3950,
        cost_includes="Hotels, school visits and most meals; not the flights.",
        audience="Superintendents, CTOs and other senior district leaders.",
        apply_by=today + datetime.timedelta(days=30),
        capacity=20,
    )
    upcoming.contacts.add(desk)
    ApplicationFactory(delegation=upcoming, status=Application.Status.ACCEPTED)
    # Every place taken: new applications join the waitlist.
    full = DelegationFactory(
        title="Singapore",
        slug="singapore",
        destinations=["Singapore"],
        start_date=start + datetime.timedelta(days=30),
        end_date=start + datetime.timedelta(days=34),
        cost_on_request=True,
        capacity=1,
    )
    full.contacts.add(desk)
    ApplicationFactory(delegation=full, status=Application.Status.ACCEPTED)

    def withdraw_link():
        application = ApplicationFactory(delegation=upcoming, name="Casey Applicant")
        return reverse("delegations:withdraw", args=[withdraw_token(application)])

    numbers = itertools.count()

    def confirm_link():
        subscriber = Subscriber.objects.create(email=f"reader{next(numbers)}@example.org")
        return reverse("mail:confirm", args=[confirm_token(subscriber)])

    confirmed = Subscriber.objects.create(
        email="confirmed@example.org", confirmed_at=timezone.now()
    )
    unsubscribe_link = reverse("mail:unsubscribe", args=[unsubscribe_token(confirmed.email)])
    DelegationFactory(
        title="Seoul",
        slug="seoul",
        destinations=["South Korea"],
        date_precision=DatePrecision.YEAR,
        start_date=datetime.date(today.year + 1, 1, 1),
    )

    edition = SymposiumFactory(year=today.year)
    held = SymposiumFactory(year=today.year - 1)
    SymposiumPartnerFactory(symposium=edition, organisation=unesco)
    ResourceFactory(symposium=edition)
    upcoming_edition = SymposiumFactory(
        year=today.year + 1,
        date_precision=DatePrecision.DAY,
        start_date=datetime.date(today.year + 1, 4, 12),
        start_time=datetime.time(9),
        end_time=datetime.time(17),
        venue_name="Hilton Chicago",
        venue_city="Chicago",
        venue_address="720 S Michigan Ave",
        registration_url="https://example.org/register",
        registration_contact=desk,
    )
    for item in (upcoming_edition, held):
        session = Session.objects.create(
            symposium=item, title="Opening keynote", start=datetime.time(9), room="Ballroom"
        )
        session.speakers.add(delegate)
        session.moderators.add(desk)

    def share_link(record):
        link = ShareLink.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
        return reverse("shared-preview", args=[share_token(link)])

    unpublished = DelegationFactory(
        title="Madeira",
        slug="madeira",
        destinations=["Portugal"],
        is_published=False,
        hero_image=jpeg((1600, 700), "madeira.jpg"),
        hero_alt="The harbour of Funchal",
    )
    PhotoFactory(delegation=unpublished, image=jpeg(), alt_text="Pupils at work")
    draft_report = ReportFactory(delegation=past, is_published=False)
    draft_post = DispatchFactory(delegation=past, is_published=False, title="Not out yet")
    draft_edition = SymposiumFactory(year=2019, is_published=False, theme="Not announced yet")
    not_live_yet = DelegationFactory(
        title="Helsinki and Tallinn",
        slug="helsinki-and-tallinn",
        destinations=["Portugal"],
        go_live_at=timezone.now() + datetime.timedelta(days=3),
    )
    # A draft of changes to published copy, saved as an editor would.
    editor = Client()
    editor.force_login(User.objects.create_superuser("a11y-editor", "a11y@cosn.example"))
    change = admin_url(Section, "change", leadership.pk)
    data = {**form_data(editor.get(change)), "heading": "Global Leadership, drafted"}
    data.pop("_save", None)
    assert editor.post(change, {**data, "_save_draft": "Save draft"}).status_code == 302

    return {
        "landing": reverse("landing"),
        "archive": reverse("delegations:delegation-list"),
        "archive-filtered": reverse("delegations:delegation-list") + "?where=portugal&year=2013",
        "archive-page-2": reverse("delegations:delegation-list") + "?page=2",
        "where-we-have-been": reverse("delegations:overview"),
        "search": reverse("search"),
        "search-results": reverse("search") + "?q=lisbon",
        "search-no-results": reverse("search") + "?q=atlantis",
        "past-delegation": past.get_absolute_url(),
        "upcoming-delegation": upcoming.get_absolute_url(),
        "report": report.get_absolute_url(),
        "report-not-online": offline.get_absolute_url(),
        "blog-post": blog.get_absolute_url(),
        "podcast-episode": podcast.get_absolute_url(),
        "symposium-archive": reverse("symposium:symposium-list"),
        "symposium": edition.get_absolute_url(),
        "symposium-upcoming": upcoming_edition.get_absolute_url(),
        "symposium-held": held.get_absolute_url(),
        "person": delegate.get_absolute_url(),
        "journal": reverse("delegations:journal"),
        "journal-filtered": reverse("delegations:journal") + "?kind=blog",
        "not-found": "/no-such-page/",
        "inquiry-form-errors": upcoming.get_absolute_url(),
        "inquiry-thanks": upcoming.get_absolute_url(),
        "apply-form-errors": upcoming.get_absolute_url(),
        "apply-thanks": upcoming.get_absolute_url(),
        "waitlist-delegation": full.get_absolute_url(),
        "withdraw": withdraw_link(),
        "withdrawn": withdraw_link,
        "withdraw-invalid": reverse("delegations:withdraw", args=["forged:token"]),
        "subscribe": reverse("mail:subscribe"),
        "subscribe-errors": reverse("mail:subscribe"),
        "subscribe-sent": reverse("mail:subscribe"),
        "confirm": confirm_link(),
        "confirmed": confirm_link,
        "unsubscribe": unsubscribe_link,
        "unsubscribed": unsubscribe_link,
        "link-invalid": reverse("mail:confirm", args=["forged:token"]),
        "privacy": reverse("privacy"),
        "login-lockout": reverse("admin:login"),
        "server-error": "/__server-error__/",
        "unavailable": "/__unavailable__/",
        "preview-delegation": share_link(unpublished),
        "preview-report": share_link(draft_report),
        "preview-blog-post": share_link(draft_post),
        "preview-symposium": share_link(draft_edition),
        "preview-not-live-yet": share_link(not_live_yet),
        "preview-draft": share_link(leadership),
        "preview-unavailable": reverse("shared-preview", args=["forged:token"]),
    }


def visit(page, live_server, site, name):
    """Open the page called `name`, as a visitor would reach it."""
    path = site[name]() if callable(site[name]) else site[name]
    url = live_server.url + path
    if name in ("server-error", "unavailable"):
        # Rendered by Django without a request; served from the site's address so that the
        # stylesheet loads as it would.
        status = 500 if name == "server-error" else 503
        body = render_to_string(f"{status}.html", request=RequestFactory().get("/"))
        page.route(url, lambda route: route.fulfill(status=status, body=body, content_type=HTML))
    page.goto(url)
    if name == "inquiry-form-errors":
        page.get_by_role("button", name="Send your message").click()
        page.locator(".error-summary").wait_for()
    elif name == "login-lockout":
        # The page django-axes shows after too many failed logins (the test turns it on).
        for _ in range(10):  # AXES_FAILURE_LIMIT is 5
            page.get_by_label("Username").fill("nobody")
            page.get_by_label("Password").fill("wrong")
            page.get_by_role("button", name="Log in").click()
            if "Too many failed logins" in page.title():
                break
        assert page.get_by_role("heading", level=1).inner_text() == "Too many failed logins"
    elif name == "inquiry-thanks":
        fill_inquiry(page)
        page.get_by_role("button", name="Send your message").click()
        # (The browser keeps the form's #inquire fragment through the redirect.)
        page.wait_for_url(re.compile(r"/inquire/thanks/"))
    elif name == "apply-form-errors":
        page.locator("#apply").get_by_role("button", name="Send your application").click()
        page.locator("#apply .error-summary").wait_for()
    elif name == "apply-thanks":
        fill_application(page)
        page.locator("#apply").get_by_role("button", name="Send your application").click()
        page.wait_for_url(re.compile(r"/apply/thanks/"))
    elif name == "withdrawn":
        page.get_by_role("button", name="Withdraw my application").click()
        page.get_by_role("heading", level=1, name="Your application is withdrawn").wait_for()
    elif name in ("subscribe-errors", "subscribe-sent"):
        form = page.locator("main form")
        address = "not-an-address" if name == "subscribe-errors" else next(ADDRESSES)
        form.get_by_label("Your email address").fill(address)
        form.get_by_role("button", name="Sign up").click()
        if name == "subscribe-errors":
            page.locator(".error-summary").wait_for()
        else:
            page.wait_for_url(re.compile(r"/subscribe/sent/$"))
    elif name == "confirmed":
        page.get_by_role("button", name="Confirm").click()
        page.get_by_role("heading", level=1, name="You are signed up").wait_for()
    elif name == "unsubscribed":
        page.get_by_role("button", name="Unsubscribe").click()
        page.get_by_role("heading", level=1, name="You are unsubscribed").wait_for()


def fill_inquiry(page):
    form = page.locator("#inquire")
    form.get_by_label("Your name").fill("Ada Visitor")
    form.get_by_label("Your email address").fill("ada@example.org")
    form.get_by_label("Your question or message").fill("Is there still room on this trip?")
    form.get_by_label("I agree that CoSN may store").check()


# A new address for each application and sign-up: one address applies to a trip once.
ADDRESSES = (f"visitor{number}@example.org" for number in itertools.count())


def fill_application(page):
    form = page.locator("#apply")
    form.get_by_label("Your name").fill("Ada Applicant")
    form.get_by_label("Your email address").fill(next(ADDRESSES))
    form.get_by_label("Organisation or school district").fill("Lakeside School District")
    form.get_by_label("Your role").fill("Chief technology officer (CTO)")
    form.get_by_label("State or country").fill("Ohio")
    form.get_by_label("I agree that CoSN may store").check()


# The pages of applications, sign-ups and announcements, which every audit below covers.
PROGRAMME_PAGES = [
    "apply-form-errors",
    "apply-thanks",
    "waitlist-delegation",
    "withdraw",
    "withdrawn",
    "withdraw-invalid",
    "subscribe",
    "subscribe-errors",
    "subscribe-sent",
    "confirm",
    "confirmed",
    "unsubscribe",
    "unsubscribed",
    "link-invalid",
    "privacy",
]

PAGE_NAMES = [
    "landing",
    "archive",
    "archive-filtered",
    "archive-page-2",
    "where-we-have-been",
    "search",
    "search-results",
    "search-no-results",
    "past-delegation",
    "upcoming-delegation",
    "inquiry-form-errors",
    "inquiry-thanks",
    "report",
    "report-not-online",
    "blog-post",
    "podcast-episode",
    "symposium-archive",
    "symposium",
    "symposium-upcoming",
    "symposium-held",
    "person",
    "journal",
    "journal-filtered",
    "not-found",
    "login-lockout",
    "server-error",
    "unavailable",
    # Previews, through share links (cosn_global/previews.py).
    "preview-delegation",
    "preview-report",
    "preview-blog-post",
    "preview-symposium",
    "preview-not-live-yet",
    "preview-draft",
    "preview-unavailable",
    *PROGRAMME_PAGES,
]


# Each of PROGRAMME_PAGES by its main heading, and what else shows it is the right page.
PROGRAMME_HEADINGS = {
    "apply-form-errors": ("Helsinki", "#apply .error-summary"),
    "apply-thanks": ("Thank you: we have your application", None),
    "waitlist-delegation": ("Singapore", ".registration--waitlist"),
    "withdraw": ("Withdraw your application", "main form button"),
    "withdrawn": ("Your application is withdrawn", None),
    "withdraw-invalid": ("This link does not work", None),
    "subscribe": ("Hear about the next delegation or symposium", "main form"),
    "subscribe-errors": ("Hear about the next delegation or symposium", ".error-summary"),
    "subscribe-sent": ("Check your email", None),
    "confirm": ("Confirm your address", "main form button"),
    "confirmed": ("You are signed up", None),
    "unsubscribe": ("Unsubscribe", "main form button"),
    "unsubscribed": ("You are unsubscribed", None),
    "link-invalid": ("This link does not work", None),
    "privacy": ("How we use your details", "#applications"),
}


def test_the_programme_pages_audited_below_are_the_pages_they_name(live_server, site, scheme_page):
    # Otherwise an audit could pass on the wrong page (a link that no longer works, a
    # form that was not sent).
    assert sorted(PROGRAMME_HEADINGS) == sorted(PROGRAMME_PAGES)
    page = scheme_page()
    for name, (heading, also) in PROGRAMME_HEADINGS.items():
        visit(page, live_server, site, name)
        assert page.get_by_role("heading", level=1).inner_text() == heading, name
        if also:
            assert page.locator(also).first.is_visible(), name
    visit(page, live_server, site, "waitlist-delegation")
    assert page.locator("#apply").get_by_role("button", name="Join the waitlist").is_visible()


def test_the_previews_audited_below_are_previews(live_server, site, scheme_page):
    page = scheme_page()
    previews = {
        "preview-delegation": "Preview of a page that is not published",
        "preview-report": "Preview of a page that is not published",
        "preview-blog-post": "Preview of a page that is not published",
        "preview-symposium": "Preview of a page that is not published",
        "preview-not-live-yet": "Preview of a page that is not published",
        "preview-draft": "Preview of a draft",
    }
    for name, banner in previews.items():
        visit(page, live_server, site, name)
        assert page.locator(".preview-banner").inner_text().startswith(banner), name
    assert "Global Leadership, drafted" in page.content()
    visit(page, live_server, site, "preview-unavailable")
    assert page.get_by_role("heading", level=1).inner_text() == "Preview not available"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_public_page_has_no_axe_violations_in_light_and_dark(
    live_server, site, scheme_page, axe_source, settings, name
):
    settings.AXES_ENABLED = name == "login-lockout"
    found = {}
    for scheme in SCHEMES:
        page = scheme_page(scheme)
        visit(page, live_server, site, name)
        found[scheme] = axe_violations(page, axe_source)
    assert found == {"light": [], "dark": []}


def test_the_dark_scheme_really_changes_the_colours(live_server, site, scheme_page):
    # Otherwise the dark runs above would only check the light scheme twice.
    backgrounds = {}
    for scheme in SCHEMES:
        page = scheme_page(scheme)
        page.goto(live_server.url + site["landing"])
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds == {"light": "rgb(255, 255, 255)", "dark": "rgb(17, 24, 29)"}


@pytest.mark.parametrize("name", ["landing", "past-delegation", "symposium"])
def test_tab_from_the_top_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    live_server, site, scheme_page, name
):
    page = scheme_page()
    visit(page, live_server, site, name)

    page.keyboard.press("Tab")
    skip = page.evaluate(
        "(() => { const a = document.activeElement; const box = a.getBoundingClientRect();"
        " return {text: a.textContent.trim(), href: a.getAttribute('href'), top: box.top}; })()"
    )
    # It is first, and it comes on screen when focused (it hides above the page until then).
    assert skip["text"] == "Skip to main content" and skip["href"] == "#main"
    assert skip["top"] >= 0

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside <main>, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


# For the focused element: its outline, and the colour behind it.
FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    let behind = el.parentElement;
    let background = "rgba(0, 0, 0, 0)";
    while (behind) {
        background = getComputedStyle(behind).backgroundColor;
        if (!/rgba\\(.*, 0\\)$/.test(background) && background !== "transparent") break;
        behind = behind.parentElement;
    }
    return {
        element: el.outerHTML.slice(0, 80),
        style: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        colour: style.outlineColor,
        background: background === "rgba(0, 0, 0, 0)" ? "rgb(255, 255, 255)" : background,
    };
}"""


def luminance(rgb):
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    "name", ["landing", "upcoming-delegation", "archive-page-2", *PROGRAMME_PAGES]
)
def test_keyboard_focus_is_visible_on_every_link_button_and_field(
    live_server, site, scheme_page, scheme, name
):
    page = scheme_page(scheme)
    visit(page, live_server, site, name)
    if "#" in page.url:
        # A form's errors come back at its fragment (#apply), where the browser starts
        # Tab: start from the top of the page instead, with a spot that is not in the order.
        page.evaluate(
            "() => { const top = document.createElement('span'); top.tabIndex = -1;"
            " document.body.prepend(top); top.focus(); }"
        )
    count = page.locator(FOCUSABLE).count()
    assert count > 10

    seen, invisible = [], []
    page.keyboard.press("Tab")
    for _ in range(count + 5):
        focus = page.evaluate(FOCUS_STYLE)
        if focus["element"].startswith("<body"):
            break  # past the last one
        seen.append(focus["element"])
        # A solid outline of 2px or more, with 3:1 contrast against what is behind it
        # (WCAG 1.4.11 and 2.4.7).
        if not (
            focus["style"] not in ("none", "")
            and focus["width"] >= 2
            and contrast(focus["colour"], focus["background"]) >= 3
        ):
            invisible.append(focus)
        page.keyboard.press("Tab")
    # Tab reached every link, button and field on the page, each once.
    reachable = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((el) =>
            el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0
            && getComputedStyle(el).visibility === "visible").length""",
        FOCUSABLE,
    )
    assert len(seen) == reachable
    assert invisible == []


# Every target's box, and whether it is a link inside a sentence (WCAG 2.5.8 exempts those):
# an inline link whose line has other text in it, not counting the text of block boxes.
TARGETS = """(selector) => {
    const display = (node) => getComputedStyle(node).display;
    const lineText = (node, skip) => [...node.childNodes].map((child) => {
        if (child === skip) return "";
        if (child.nodeType === Node.TEXT_NODE) return child.textContent;
        if (child.nodeType !== Node.ELEMENT_NODE || display(child) !== "inline") return "";
        return lineText(child, skip);
    }).join("");
    return [...document.querySelectorAll(selector)]
    .filter((el) => !el.closest("[aria-hidden=true], .visually-hidden"))
    .map((el) => {
        const box = el.getBoundingClientRect();
        let block = el.parentElement;
        while (display(block) === "inline") block = block.parentElement;
        const inSentence = display(el) === "inline" && lineText(block, el).trim() !== "";
        return {
            element: el.outerHTML.slice(0, 100),
            x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height,
            inSentence,
        };
    })
    .filter((target) => target.width > 0 && target.height > 0);
}"""


@pytest.mark.parametrize("width", [320, 1440])
@pytest.mark.parametrize(
    "name",
    [
        "landing",
        "archive-page-2",
        "where-we-have-been",
        "past-delegation",
        "upcoming-delegation",
        "inquiry-form-errors",
        "podcast-episode",
        "search-results",
        "symposium",
        *PROGRAMME_PAGES,
    ],
)
def test_every_target_outside_a_sentence_is_at_least_24px_square(
    live_server, site, scheme_page, name, width
):
    page = scheme_page(viewport={"width": width, "height": 900})
    visit(page, live_server, site, name)
    # Stricter than WCAG, whose spacing exception axe's target-size rule applies (above):
    # every target is 24 x 24 px or more, except links inside a sentence (WCAG exempts
    # those) and the countries on the map, which have an equivalent, full-size link each
    # in the list under it.
    targets = page.evaluate(TARGETS, FOCUSABLE)
    assert len(targets) > 10
    small = [
        f"{target['element']} ({target['width']:.0f} x {target['height']:.0f})"
        for target in targets
        if (target["width"] < 24 or target["height"] < 24)
        and not target["inSentence"]
        and 'class="world-map__country"' not in target["element"]
    ]
    assert small == []


@pytest.mark.parametrize(
    "name",
    [
        "landing",
        "archive",
        "where-we-have-been",
        "search-results",
        "past-delegation",
        "upcoming-delegation",
        "inquiry-form-errors",
        "report",
        "podcast-episode",
        "symposium-archive",
        "symposium",
        *PROGRAMME_PAGES,
    ],
)
def test_no_page_scrolls_sideways_from_320_to_1920_px(live_server, site, scheme_page, name):
    page = scheme_page(viewport={"width": WIDTHS[0], "height": 800})
    visit(page, live_server, site, name)
    overflowing = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            overflowing[width] = (scroll, client)
    assert overflowing == {}


def test_a_delegation_page_prints_its_content_without_navigation_or_forms(
    live_server, site, scheme_page
):
    page = scheme_page("dark")
    visit(page, live_server, site, "upcoming-delegation")
    page.emulate_media(media="print")

    def shown(selector):
        return page.locator(selector).first.is_visible()

    for hidden in (".skip-link", ".site-header", ".site-nav", ".site-search", ".breadcrumbs"):
        assert not shown(hidden), hidden
    assert not shown(".site-footer")
    assert not shown("form.form")
    assert shown("main h1") and shown(".facts") and shown(".layout__main")
    # Black on white, whatever the screen's colour scheme.
    colours = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    # Links to other sites print their address after them.
    after = page.evaluate(
        "getComputedStyle(document.querySelector(\"main a[href^='https://example.org/agenda']\"),"
        " '::after').content"
    )
    assert "https://example.org/agenda" in after

    visit(page, live_server, site, "past-delegation")
    # Cards, figures and photos are not cut in two by a page break.
    assert page.evaluate("getComputedStyle(document.querySelector('.photo')).breakInside") in (
        "avoid",
        "avoid-page",
    )
    assert page.locator(".photo img").first.is_visible()
