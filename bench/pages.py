"""The Django side of the benchmark, run in bench/run.py's own process.

Import this only after django.setup(), with the environment the server will get: it
prepares the bench database and measures, with Django's test client, what a load
generator cannot see: each page's SQL queries, its HTML size and the size of its CSS.
"""

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.generate import ensure_data
from delegations.models import Delegation, Report
from symposium.models import Symposium

LINK_TAG = re.compile(r"<link\b[^>]*>")
HREF = re.compile(r'\bhref="([^"]+)"')
FEW_DELEGATIONS = 10


@dataclass
class Page:
    name: str
    path: str
    static: bool = False
    html_bytes: int = 0
    html_gzip: int = 0
    # (URL, bytes, gzip bytes, brotli bytes) of each stylesheet the page links to.
    stylesheets: list = field(default_factory=list)
    # SQL queries per request: "off" (page cache off), "on" (a cached page),
    # "few" (page cache off, the database cut down to FEW_DELEGATIONS delegations).
    queries: dict = field(default_factory=dict)

    @property
    def css_gzip(self):
        return sum(gz for _, _, gz, _ in self.stylesheets)


def prepare(regenerate, log=print):
    """Migrate the bench database, fill it, collect the static files; return table sizes."""
    log("Migrating the bench database...")
    call_command("migrate", interactive=False, verbosity=0)
    sizes = ensure_data(regenerate, log)
    log("Collecting static files...")
    call_command("collectstatic", interactive=False, verbosity=0)
    return sizes


def choose_pages():
    """The pages to load: each public page type once, and the stylesheet they link to."""
    published = Delegation.objects.published()
    # The heaviest delegation page: the most photos, then the most reports.
    delegation = (
        published.annotate(
            photo_count=Count("photos", distinct=True),
            report_count=Count("reports", filter=Q(reports__is_published=True), distinct=True),
        )
        .order_by("-photo_count", "-report_count", "slug")
        .first()
    )
    # A report that uses every field: bilingual, subtitled, dated.
    report = (
        Report.objects.published()
        .exclude(alternate_title="")
        .exclude(subtitle="")
        .filter(published_on__isnull=False)
        .select_related("delegation")
        .order_by("slug")
        .first()
    )
    pages = [
        Page("landing", "/"),
        Page("delegations index", "/delegations/"),
        Page("delegation detail", delegation.get_absolute_url()),
        Page("report", report.get_absolute_url()),
        Page("symposium index", "/symposium/"),
    ]
    stylesheet = linked_stylesheets(Client(HTTP_HOST="127.0.0.1").get("/").content.decode())[0]
    return [Page("static CSS", stylesheet, static=True), *pages]


def linked_stylesheets(html):
    """The URLs of the stylesheets an HTML page links to."""
    return [
        HREF.search(tag).group(1)
        for tag in LINK_TAG.findall(html)
        if 'rel="stylesheet"' in tag and HREF.search(tag)
    ]


def fetch(client, path, page_cache):
    """The second of two requests, and the SQL queries it made."""
    with override_settings(PAGE_CACHE=page_cache):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}, not 200.")
    return response, len(queries)


def measure(pages):
    """Fill in each page's HTML size, stylesheets and SQL queries per request."""
    client = Client(HTTP_HOST="127.0.0.1")
    cache.clear()
    for page in pages:
        if page.static:
            page.stylesheets = [stylesheet_sizes(page.path)]
            continue
        response, page.queries["off"] = fetch(client, page.path, page_cache=False)
        _, page.queries["on"] = fetch(client, page.path, page_cache=True)
        page.html_bytes = len(response.content)
        page.html_gzip = len(gzip.compress(response.content, compresslevel=6))
        html = response.content.decode()
        page.stylesheets = [stylesheet_sizes(url) for url in linked_stylesheets(html)]
    cache.clear()
    measure_with_few_delegations(client, [page for page in pages if not page.static])


def stylesheet_sizes(url):
    """(url, bytes, gzip bytes, brotli bytes), read from the files whitenoise serves."""
    path = Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL).lstrip("/")
    if not url.lstrip("/").startswith(settings.STATIC_URL.lstrip("/")) or not path.exists():
        raise RuntimeError(f"{url} is not a file in STATIC_ROOT ({settings.STATIC_ROOT}).")
    raw = path.read_bytes()
    gz = Path(f"{path}.gz")
    br = Path(f"{path}.br")
    gz_size = gz.stat().st_size if gz.exists() else len(gzip.compress(raw, compresslevel=6))
    return url, len(raw), gz_size, br.stat().st_size if br.exists() else None


def measure_with_few_delegations(client, pages):
    """Queries per request with the database cut to FEW_DELEGATIONS delegations.

    Done inside a transaction that is rolled back, so the bench data is untouched. The
    benchmarked pages' own delegations are kept, with a few upcoming and past ones.
    """
    published = Delegation.objects.published()
    keep = {
        published.get(slug=page.path.split("/")[2]).pk
        for page in pages
        if page.path.startswith("/delegations/") and page.path != "/delegations/"
    }
    keep |= set(published.upcoming().values_list("pk", flat=True)[:3])
    with_reports = published.past().filter(pk__in=Report.objects.published().values("delegation"))
    keep |= set(with_reports.values_list("pk", flat=True)[: FEW_DELEGATIONS - len(keep)])
    symposia = list(Symposium.objects.published().values_list("pk", flat=True)[:2])
    with transaction.atomic():
        Delegation.objects.exclude(pk__in=keep).delete()
        Symposium.objects.exclude(pk__in=symposia).delete()
        for page in pages:
            _, page.queries["few"] = fetch(client, page.path, page_cache=False)
        transaction.set_rollback(True)


def uncounted_queries():
    """What the test client does not see but every request to the server does, if anything."""
    database = settings.DATABASES["default"]
    if database.get("CONN_HEALTH_CHECKS") and database.get("CONN_MAX_AGE"):
        return (
            "Not in queries/req: under gunicorn, each request that queries the database first "
            "checks the reused connection (CONN_HEALTH_CHECKS), one more round trip that the "
            "test client skips."
        )
    return ""
