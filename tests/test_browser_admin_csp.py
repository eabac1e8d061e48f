"""The Content Security Policy in a real browser (see tests/conftest.py).

Public pages and the admin, with its rich-text editor, must work with nothing blocked:
a violation would mean a broken page or a policy loosened by hand to hide one.
"""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from delegations.models import Delegation, Dispatch
from delegations.tests.factories import (
    DelegationFactory,
    DispatchFactory,
    PhotoFactory,
    ReportFactory,
    TopicFactory,
)
from symposium.tests.factories import SymposiumFactory
from tests.helpers import jpeg

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = ".ProseMirror[contenteditable=true]"
IMAGES_LOADED = "[...document.images].every((img) => img.naturalWidth > 0)"


def wait_until(page, condition, seconds=5):
    # Violations reach the test through the browser's event loop: let it run a little.
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return condition()


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))


def test_public_pages_load_with_no_csp_violation_or_console_error(live_server, page, page_problems):
    trip = DelegationFactory(hero_image=jpeg((40, 30)), hero_alt="Harbour")
    PhotoFactory(delegation=trip, image=jpeg((40, 30)), alt_text="Delegates in a classroom")
    report = ReportFactory(delegation=trip)
    episode = DispatchFactory(
        delegation=trip,
        kind=Dispatch.Kind.PODCAST,
        audio_url="https://podcasts.example.org/episode-1.mp3",
    )
    edition = SymposiumFactory(year=2019)
    pages = [
        reverse("landing"),
        reverse("delegations:delegation-list"),
        trip.get_absolute_url(),
        report.get_absolute_url(),
        episode.get_absolute_url(),
        reverse("symposium:symposium-list"),
        edition.get_absolute_url(),
    ]

    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "nonce" not in policy, path
        # The stylesheet was allowed and applied, and the images (lazy ones too) loaded.
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 0, path
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        # (Polled from here: Playwright's wait_for_function polls with eval(), which the
        # policy rightly refuses.)
        assert wait_until(page, lambda: page.evaluate(IMAGES_LOADED)), path
    assert page_problems == []

    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert "script-src 'self';" in response.headers["content-security-policy"]
    # The browser logs the 404 itself; nothing else.
    assert len(page_problems) == 1 and "404" in page_problems[0]


def test_the_browser_refuses_inline_script_and_style_on_public_pages(
    live_server, page, page_problems
):
    page.goto(live_server.url + reverse("landing"))
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.head.append(script);
            document.body.setAttribute("style", "color: red");
        }"""
    )

    assert page.evaluate("window.injected") is None
    assert wait_until(page, lambda: len(page_problems) >= 3)
    assert any("script-src-elem blocked inline" in problem for problem in page_problems)
    assert any("style-src-attr blocked inline" in problem for problem in page_problems)


def test_the_admin_and_its_rich_text_editor_work_under_the_policy(
    live_server, page, page_problems, admin_user
):
    trip = DelegationFactory(body="<p>Before</p>")
    ReportFactory(delegation=trip)
    TopicFactory(name="Digital equity")
    log_in(page, live_server, admin_user)

    response = page.goto(
        live_server.url + reverse("admin:delegations_delegation_change", args=[trip.pk])
    )
    assert "'nonce-" in response.headers["content-security-policy"]
    assert settings.TIPTAP_CSS_HASH in response.headers["content-security-policy"]
    # The editors started: the body's, the registration's and the report's summary.
    body = page.locator(f".field-body {EDITOR}")
    body.wait_for()
    assert page.locator(EDITOR).count() >= 3
    # Editors in inline rows added in the page start too.
    editors = page.locator(EDITOR).count()
    page.get_by_text("Add another Report").click()
    wait_until(page, lambda: page.locator(EDITOR).count() > editors)
    assert page.locator(EDITOR).count() > editors
    page.locator(".dynamic-reports .inline-deletelink").last.click()

    # Autocomplete asks the server as the editor types.
    page.locator(".field-topics .select2-search__field").fill("Digital")
    page.locator(".select2-results__option", has_text="Digital equity").click()
    # The "add another" popup still reports back to its opener (Cross-Origin-Opener-Policy).
    with page.expect_popup() as popup_info:
        page.locator("#add_id_topics").click()
    popup = popup_info.value
    popup.fill("#id_name", "Teacher training")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    page.locator(".field-topics .select2-selection__choice", has_text="Teacher training").wait_for()

    body.click()
    page.keyboard.press("End")
    page.keyboard.type(" and after")
    page.keyboard.press("Control+a")
    page.locator(".field-body button[title=bold]").click()
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    trip = Delegation.objects.get(pk=trip.pk)
    assert trip.body == "<p><strong>Before and after</strong></p>"
    assert [topic.name for topic in trip.topics.all()] == ["Digital equity", "Teacher training"]

    page.goto(live_server.url + reverse("admin:delegations_delegation_changelist"))
    page.goto(live_server.url + reverse("admin:index"))
    assert page_problems == []
