"""Fixtures for tests that drive a real browser: headless Chromium through Playwright.

Use `live_server` for the site, `page` for a fresh browser tab and `page_problems` for
what went wrong in it (console errors and warnings, uncaught exceptions, and every
Content Security Policy violation, popups included); a test that loads pages asserts
`page_problems == []`. The browser is Debian's Chromium (`.ci/run` installs it); where it
is missing, browser tests are skipped (except under .ci/run, where they fail).

`smtp_server` is a real SMTP server (tests/helpers.py) that the site's mailer sends to,
from the live server's thread too: `smtp_server.received` holds what arrived.

Under the site's policy `page.wait_for_function()` fails when it has to poll (Playwright
polls with eval()): wait with locators, or poll `page.evaluate()` from Python.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings

from tests.helpers import AXE_JS, EDITOR_PASSWORD, running_smtp_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Runs in every page before its own scripts; bindings are not subject to the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportCspViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
        ` in ${event.sourceFile || event.documentURI}:${event.lineNumber}` +
        (event.sample ? ` (${event.sample})` : "")
    );
});
"""


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, minus the redirect to HTTPS: it speaks plain http.

    The redirect is read once, when the server builds its middleware, so it has to be
    off while the server starts. Everything else keeps the production settings the tests
    run with: Chromium takes http://localhost for a secure origin, so it keeps secure
    cookies and does not upgrade requests to https.
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the tests of a module.

    Playwright's sync API leaves its event loop marked as running in this thread for as
    long as it lives, and Django then refuses database queries from the test itself. So
    the browser lives no longer than the module that uses it, and Django's async-safety
    check is off only meanwhile (the live server answers from its own thread anyway).
    """
    if not CHROMIUM.exists():
        # CI installs Chromium and sets REQUIRE_BROWSER, so the tests cannot quietly vanish.
        missing = pytest.fail if os.environ.get("REQUIRE_BROWSER") else pytest.skip
        missing(f"No browser: {CHROMIUM} is missing (apt-get install chromium).")
    from playwright import sync_api

    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def editor(live_server):
    """A superuser, "editor", on a site with the seed content, for the browser tests."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("load_seed_content", verbosity=0)
    return User.objects.create_superuser("editor", "editor@example.org", EDITOR_PASSWORD)


@pytest.fixture
def page_problems():
    return []


@pytest.fixture
def page(browser, page_problems):
    context = browser.new_context()
    context.expose_binding(
        "reportCspViolation", lambda source, text: page_problems.append(f"CSP: {text}")
    )
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        url = message.location.get("url", "")
        # The admin has no <link rel="icon">, so browsers ask for /favicon.ico, which is
        # not there: not a problem of the page.
        if message.type in ("error", "warning") and not url.endswith("/favicon.ico"):
            page_problems.append(f"console {message.type}: {message.text} ({url})")

    context.on("console", on_console)
    context.on("weberror", lambda error: page_problems.append(f"uncaught: {error.error}"))
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def smtp_server(settings):
    with running_smtp_server(settings) as server:
        yield server


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """One `collectstatic` (hashing and compressing every file is slow) for every test
    that starts a production-like server in a subprocess."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x", "STATIC_ROOT": str(root)}
    env["ENV_FILE"] = os.devnull
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        check=True,
    )
    return root


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_JS.exists():
        missing = pytest.fail if os.environ.get("REQUIRE_BROWSER") else pytest.skip
        missing(f"No axe-core: {AXE_JS} is missing (run: npm ci --prefix .ci).")
    return AXE_JS


@pytest.fixture
def scheme_page(browser):
    """A tab in a given colour scheme, free of the site's CSP so that axe can be injected.

    Only these tests lift the policy; tests/test_browser_admin_csp.py checks the real one.
    """
    contexts = []

    def open_page(scheme="light", **options):
        context = browser.new_context(bypass_csp=True, color_scheme=scheme, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
