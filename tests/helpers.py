"""What tests of every app share: a frozen clock, admin form data and URLs, snapshots
of the database and the media folder, and a real SMTP server. (Factories live in each
app's tests/factories.py; tests/servers.py starts a real web server.)"""

import asyncio
import contextlib
import datetime
import email
import email.policy
import importlib
import io
import logging
import os
import re
import socket
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factory.django import DjangoModelFactory
from PIL import Image

from core.dates import DatePrecision

# axe-core, which `.ci/run` installs into .ci/node_modules (AXE_CORE_JS may point at another
# copy), and what it checks: WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best
# practices (landmarks, heading order, one main...), worth keeping though not failures.
AXE_JS = Path(
    os.environ.get("AXE_CORE_JS")
    or Path(__file__).resolve().parents[1] / ".ci/node_modules/axe-core/axe.min.js"
).resolve()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# The apps whose rows database_snapshot() compares.
CONTENT_APPS = ("core", "delegations", "symposium")


def on(day):
    """Freeze the clock at noon on `day` in the site's time zone."""
    noon = datetime.datetime.combine(day, datetime.time(12), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return time_machine.travel(noon, tick=False)


def registered_models(app_label):
    """The models of `app_label` registered on the default admin site, in a stable order."""
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == app_label),
        key=lambda model: model._meta.label,
    )


def factory_for(model):
    """The factory_boy factory for `model`, from its app's tests/factories.py."""
    module = f"{model._meta.app_label}.tests.factories"
    for candidate in vars(importlib.import_module(module)).values():
        if (
            isinstance(candidate, type)
            and issubclass(candidate, DjangoModelFactory)
            and candidate._meta.model is model
        ):
            return candidate
    pytest.fail(f"No factory for {model._meta.label}: add one to {module.replace('.', '/')}.py")


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def delegation_post_data(country, **overrides):
    """A valid add-page POST for a delegation with one destination and no other inlines."""
    data = {
        "title": "Lisbon",
        "slug": "lisbon-2027",
        "is_published": "on",
        "date_precision": DatePrecision.DAY,
        "start_date": "2027-03-01",
        "end_date": "2027-03-05",
        "summary": "A week in Lisbon's schools.",
        "body": "<p>Hello</p>",
        "hero_alt": "",
        "registration": "<p>Write to us to register.</p>",
        "agenda_url": "",
        **management_form("destinations", total=1),
        "destinations-0-place": "Lisbon",
        "destinations-0-country": str(country.pk),
        "destinations-0-order": "0",
        **management_form("partners"),
        **management_form("photos"),
        **management_form("reports"),
        **management_form("dispatches"),
        **management_form("itinerary"),
        **management_form("testimonials"),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def report_inline_data(index=0, **overrides):
    prefix = f"reports-{index}"
    data = {
        f"{prefix}-title": "Lisbon Schools Report",
        f"{prefix}-subtitle": "",
        f"{prefix}-slug": "lisbon-schools-report",
        f"{prefix}-alternate_title": "",
        f"{prefix}-alternate_language": "",
        f"{prefix}-language": "en",
        f"{prefix}-published_on": "",
        f"{prefix}-summary": "<p>Key takeaways.</p>",
        f"{prefix}-external_url": "https://example.org/lisbon.pdf",
        f"{prefix}-cover_alt": "",
        f"{prefix}-is_published": "on",
        f"{prefix}-order": "0",
    }
    data.update({f"{prefix}-{name}": value for name, value in overrides.items()})
    return data


def photo_inline_data(index=0, **overrides):
    prefix = f"photos-{index}"
    data = {
        f"{prefix}-caption": "Our group in Lisbon",
        f"{prefix}-alt_text": "",
        f"{prefix}-credit": "",
        f"{prefix}-order": "0",
    }
    data.update({f"{prefix}-{name}": value for name, value in overrides.items()})
    return data


def jpeg(size=(1200, 800), name="photo.jpg", colour="teal"):
    """A real JPEG upload of the given size in pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def tiny_png(name="group.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), color=(200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def database_snapshot():
    """Every row of the content apps (many-to-many tables too), to compare before and after."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def stored_files(settings):
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def assert_rejected(response, message):
    assert response.status_code == 200
    assert response.context["errors"], "the form was expected to show errors"
    assert message in response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def form_data(response):
    """The POST data an editor would send back from an admin form page, unchanged."""

    def encode(bound_field):
        value = bound_field.value()
        if value is None or isinstance(value, FieldFile):
            return None
        if isinstance(value, bool):
            return "on" if value else None
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return str(value)

    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = encode(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value
    data["_save"] = "Save"
    return data


def axe_violations(page, axe_source):
    """What axe-core finds wrong in the page (see the axe_source fixture), one line each."""
    page.add_script_tag(path=str(axe_source))
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n    "
        + "\n    ".join(
            f"{node['target']}: {node['failureSummary'].splitlines()[-1].strip()}"
            for node in violation["nodes"][:5]
        )
        for violation in results["violations"]
    ]


# A real SMTP server (the `smtp_server` fixture of tests/conftest.py and mail/tests/
# conftest.py): what the site sends arrives over a socket, as it would at the mail
# provider, and the tests read it back from `smtp_server.received`.


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage

    @property
    def body(self):
        # Lines end in CRLF on the wire; compare text with Python's newlines.
        content = self.message.get_body(preferencelist=("plain",)).get_content()
        return content.replace("\r\n", "\n")

    @property
    def links(self):
        return re.findall(r"https?://\S+", self.body)


class Inbox:
    """An aiosmtpd handler that keeps every message, counts SMTP sessions, refuses the
    addresses in `refuse` with the answer given there ("550 No such user"), and takes
    `delay` seconds over each message, as a real server does."""

    def __init__(self):
        self.received = []
        self.sessions = 0
        self.refuse = {}
        self.delay = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port):
        self.port = port
        self.inbox = Inbox()
        self.controller = None
        self.options = {}

    @property
    def received(self):
        return self.inbox.received

    @property
    def sessions(self):
        return self.inbox.sessions

    def to(self, address):
        """The messages whose envelope went to `address`."""
        return [message for message in self.received if address in message.rcpt_tos]

    def refuse(self, address, answer="550 No such user"):
        self.inbox.refuse[address.lower()] = answer

    def start(self):
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self):
        """Stop listening: the port is then closed, as when the mail server is down."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_smtp_server(settings):
    """An SMTPServer on a free port, with the site's mailer pointed at it (`settings` is
    pytest-django's fixture, so the live server's thread sends there too)."""
    # aiosmtpd logs every command at INFO, to "mail.log": keep failures' output readable.
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    server = SMTPServer(free_port())
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "use_tls": False, "timeout": 5},
        }
    }
    try:
        yield server
    finally:
        server.stop()
        logger.setLevel(level)


EDITOR_PASSWORD = "a long passphrase for the admin"


def log_in_to_admin(page, live_server, username="editor", password=EDITOR_PASSWORD):
    """Log in to the admin in Chromium (the `editor` fixture's login), on the trips' list."""
    from delegations.models import Delegation

    page.goto(live_server.url + admin_url(Delegation, "changelist"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/delegations/delegation/")


def save_summary_as_draft(page, live_server, trip, summary):
    """In Chromium, signed in: change `trip`'s summary on its change form and save it as
    a draft."""
    from delegations.models import Delegation

    page.goto(live_server.url + admin_url(Delegation, "change", trip.pk))
    page.locator("#id_summary").fill(summary)
    page.locator("input[name=_save_draft]").first.click()
    page.get_by_text("The draft is saved.").wait_for()


@contextlib.contextmanager
def page_cache_in_redis(test_settings, url):
    """The page cache in Redis at `url`, as in production, under keys of this test run's
    own: another run on the same machine may be using the same database. Skips the test
    without Redis."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    test_settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-run-{os.getpid()}",
        }
    }
    from django.core.cache import cache

    forget_own_keys(cache)
    yield cache
    forget_own_keys(cache)


def forget_own_keys(cache):
    """Delete this run's keys only (clear() would empty the whole database)."""
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=cache.make_key("*")))
    if keys:
        client.delete(*keys)
