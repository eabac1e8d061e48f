import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Section
from core.tests.factories import PersonFactory
from delegations.models import Delegation, Photo, Report
from delegations.tests.factories import (
    DelegationFactory,
    PhotoFactory,
    ReportFactory,
    TopicFactory,
)
from pagecache import lookup, version
from pagecache.models import ContentVersion
from tests.helpers import on


def hit_queries():
    """A cached page reads the content version from the database, unless the cache is
    shared and keeps a copy of it (Redis, as in production)."""
    return 0 if version.shares_version() else 1


def get(client, url="/", **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    response.queries = len(queries)
    return response


pytestmark = pytest.mark.usefixtures("seeded")


def test_a_repeat_visit_is_served_from_the_cache_without_rendering(client):
    first = get(client)
    second = get(client)
    assert first.content == second.content
    assert first.queries > 1
    assert second.queries == hit_queries()


def test_an_edit_is_visible_on_the_next_request(client):
    get(client)
    trip = Delegation.objects.get(slug="portugal-2013")
    trip.title = "Portugal and Madeira"
    trip.save()
    assert "Portugal and Madeira" in get(client).content.decode()


class TestEveryKindOfEditClearsTheCache:
    url = "/delegations/portugal-2013/"

    def page(self, client):
        return get(client, self.url).content.decode()

    def test_inline_photo_added(self, client):
        self.page(client)
        PhotoFactory(delegation=Delegation.objects.get(slug="portugal-2013"), caption="Lisbon")
        assert "Lisbon" in self.page(client)

    def test_report_deleted(self, client):
        assert "Reinventing Learning" in self.page(client)
        Report.objects.get(slug="reinventing-learning-in-portugal").delete()
        assert "Reinventing Learning" not in self.page(client)

    def test_photo_caption_changed(self, client):
        self.page(client)
        photo = Photo.objects.get()
        photo.caption = "Delegates in Lisbon"
        photo.save()
        assert "Delegates in Lisbon" in self.page(client)

    def test_contact_added(self, client):
        # Made first, so that only the new link can move the version.
        contact = PersonFactory(name="Zed Q")
        self.page(client)
        Delegation.objects.get(slug="portugal-2013").contacts.add(contact)
        assert "Zed Q" in self.page(client)

    def test_topic_added_and_removed(self, client):
        topic = TopicFactory(name="Broadband for every school")
        trip = Delegation.objects.get(slug="portugal-2013")
        self.page(client)
        trip.topics.add(topic)
        assert "Broadband for every school" in self.page(client)
        trip.topics.remove(topic)
        assert "Broadband for every school" not in self.page(client)

    def test_section_copy_edited(self, client):
        get(client, "/")
        section = Section.objects.get(key="global-leadership")
        section.intro = "<p>New introduction.</p>"
        section.save()
        assert "New introduction." in get(client, "/").content.decode()

    def test_trip_unpublished(self, client):
        self.page(client)
        trip = Delegation.objects.get(slug="portugal-2013")
        trip.is_published = False
        trip.save()
        assert get(client, self.url).status_code == 404


def test_the_page_changes_at_midnight_without_an_edit(client, settings):
    settings.PAGE_CACHE_TIMEOUT = 7 * 24 * 60 * 60  # so the entry outlives the day
    with on(datetime.date(2015, 1, 17)):  # Singapore's last day
        assert "Under way now" in get(client).content.decode()
    with on(datetime.date(2015, 1, 18)):
        assert "Under way now" not in get(client).content.decode()


class TestConditionalGet:
    def test_an_unchanged_page_answers_304_without_rendering(self, client):
        etag = get(client)["ETag"]
        again = get(client, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again.queries == hit_queries()

    def test_an_edit_changes_the_etag(self, client):
        etag = get(client)["ETag"]
        DelegationFactory(title="Brand new trip")
        response = get(client, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert response["ETag"] != etag

    def test_last_modified_is_honoured(self, client):
        last_modified = get(client)["Last-Modified"]
        assert get(client, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    def test_public_pages_may_be_kept_by_a_cdn_but_must_be_revalidated(self, client):
        response = get(client, reverse("delegations:delegation-list"))
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert "Cookie" in response["Vary"]


class TestStaff:
    def test_staff_pages_are_private_and_never_come_from_the_cache(self, client, admin_user):
        get(client)
        client.force_login(admin_user)
        response = get(client)
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert response.queries > 1

    def test_a_staff_preview_never_reaches_the_public(self, client, admin_user):
        draft = DelegationFactory(title="Draft trip", is_published=False)
        client.force_login(admin_user)
        assert get(client, draft.get_absolute_url()).status_code == 200
        client.logout()
        assert get(client, draft.get_absolute_url()).status_code == 404


def test_anonymous_pages_set_no_cookies(client):
    for url in ["/", "/delegations/", "/delegations/portugal-2013/", "/symposium/2014/"]:
        response = get(client, url)
        assert response.cookies == {}, url


def test_with_the_cache_off_every_request_renders(client, settings):
    settings.PAGE_CACHE = False
    get(client)
    assert get(client).queries > 1


def test_with_the_cache_off_pages_are_sent_as_rendered_with_their_validators(client, settings):
    settings.PAGE_CACHE = False
    response = get(client, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response
    assert "Global Leadership" in response.content.decode()
    again = get(client, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_with_the_cache_off_head_requests_get_no_body(settings, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.urls import resolve

    settings.PAGE_CACHE = False
    request = rf.head("/")
    request.user = AnonymousUser()
    head = resolve("/").func(request)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head["Content-Length"]) > 1000


def test_bulk_saves_in_one_transaction_bump_the_version():
    before = version.current()[0]
    ReportFactory()
    assert version.current()[0] > before


def test_pages_are_served_from_the_database_when_the_cache_is_down(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = get(client)
    assert response.status_code == 200
    assert "Global Leadership" in response.content.decode()
    assert "Page cache unavailable" in caplog.text


def test_head_requests_get_the_headers_without_a_body(client, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.urls import resolve

    full = get(client)
    request = rf.head("/")
    request.user = AnonymousUser()
    head = resolve("/").func(request)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == full["ETag"]
    assert int(head["Content-Length"]) == len(full.content)


def test_a_cached_page_keeps_its_headers(client, rf):
    from django.http import HttpResponse

    from pagecache.decorators import cache_public_page

    calls = []

    @cache_public_page
    def download(request):
        calls.append(request)
        response = HttpResponse("BEGIN:VCALENDAR", content_type="text/calendar")
        response["Content-Disposition"] = 'attachment; filename="trip.ics"'
        response["X-Robots-Tag"] = "noindex"
        return response

    from django.contrib.auth.models import AnonymousUser

    responses = []
    for _ in range(2):
        request = rf.get("/trip.ics")
        request.user = AnonymousUser()
        responses.append(download(request))
    first, cached = responses
    assert len(calls) == 1, "the second response should come from the cache"
    assert cached.content == first.content
    for header in ("Content-Type", "Content-Disposition", "X-Robots-Tag"):
        assert cached[header] == first[header]


def test_a_deploy_with_new_code_gets_new_cache_keys(client, settings):

    first = get(client)["ETag"]
    settings.RELEASE = "next-release"
    lookup.release.cache_clear()
    try:
        second = get(client)
        assert second["ETag"] != first
        assert second.queries > 1, "the page was rendered again, not taken from the cache"
    finally:
        lookup.release.cache_clear()


def test_the_version_never_falls_below_the_clock():
    # As after restoring an old database: the counter holds a number from long ago, which
    # cached pages and ETags may already have used since.
    ContentVersion.objects.update_or_create(pk=1, defaults={"version": 5})
    version.bump()
    assert version.current()[0] >= int(datetime.datetime.now().timestamp() * 1000) - 1000


def test_the_version_never_falls_back_after_a_flush():
    import time_machine
    from django.utils import timezone

    version.bump()
    high = version.current()[0]
    ContentVersion.objects.all().delete()  # as a flush before a restore would
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
        version.bump()
    assert version.current()[0] > high


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("identity", False),
        ("", False),
        ("gzip;q=0", False),
        ("br, gzip; q=0.000", False),
        ("GZIP", True),
        ("gzip;q=.", True),  # unreadable quality: as if none were given
    ],
)
def test_gzip_is_sent_only_to_those_that_accept_it(header, accepted):
    assert lookup.accepts_gzip(header) is accepted


def test_browsers_that_accept_gzip_get_the_compressed_copy(client):
    import gzip

    plain = get(client)
    compressed = get(client, HTTP_ACCEPT_ENCODING="br, gzip, deflate")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert compressed["ETag"] == plain["ETag"] and compressed["ETag"].startswith("W/")
    assert "Content-Encoding" not in plain


class TestSharedCache:
    """With Redis the cache keeps a copy of the content version, so a cached page costs no
    database query; the copy must never let a page outlive an edit."""

    def copy(self, cache):
        return cache.get(version.VERSION_KEY)

    def test_a_cached_page_costs_no_database_query(self, client, shared_cache):
        first = get(client)
        second = get(client)
        assert first.queries > 1
        assert second.queries == 0
        assert second.content == first.content

    def test_an_edit_raises_the_copy_before_it_commits(self, client, shared_cache):
        get(client)
        trip = Delegation.objects.get(slug="portugal-2013")
        trip.title = "Portugal and Madeira"
        trip.save()  # still inside the test's transaction
        assert self.copy(shared_cache) == version.current()[0]
        assert "Portugal and Madeira" in get(client).content.decode()

    def test_the_copy_never_goes_down(self, shared_cache):
        shared_cache.set_if_greater("n", 5, 60)
        shared_cache.set_if_greater("n", 3, 60)
        assert shared_cache.get("n") == 5
        shared_cache.set_if_greater("n", 8, 60)
        assert shared_cache.get("n") == 8

    def test_the_copy_expires_and_is_read_again_from_the_database(self, client, shared_cache):
        get(client)
        key = shared_cache.make_key(version.VERSION_KEY)
        ttl = shared_cache._cache.get_client(key).ttl(key)
        assert 0 < ttl <= version.VERSION_COPY_TIMEOUT
        shared_cache.delete(version.VERSION_KEY)
        again = get(client)
        assert again.queries == 1  # the version, read again; the page is still cached
        assert self.copy(shared_cache) == version.current()[0]

    def test_a_copy_ahead_of_the_database_only_costs_misses(self, client, shared_cache):
        # As after an edit that was rolled back: the copy was raised, the database was not.
        current = version.current()[0]
        far = version.milliseconds(version.NO_CHANGE_AHEAD)
        shared_cache.set_many(
            {version.VERSION_KEY: current + 1000, version.NEXT_CHANGE_KEY: far}, 60
        )
        response = get(client)
        assert response.queries > 1, "rendered, not served from the cache"
        # Labelled with the database's version, never with the copy's.
        assert f"-{current}-" in response["ETag"]
        assert get(client).queries > 1, "a page labelled with another version is not served"
        shared_cache.delete(version.VERSION_KEY)
        assert get(client).queries == 1, "served from the cache once the copy is right again"

    def test_pages_are_served_from_the_database_when_redis_is_down(self, client, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "pagecache.backends.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            }
        }
        trip = Delegation.objects.get(slug="portugal-2013")
        trip.title = "Portugal and Madeira"
        trip.save()  # the copy cannot be raised: the edit is saved all the same
        response = get(client, trip.get_absolute_url())
        assert response.status_code == 200
        assert "Portugal and Madeira" in response.content.decode()


class TestRelease:
    """The code's fingerprint, in every key and ETag, covers all that shapes a page."""

    @pytest.fixture
    def project(self, tmp_path, settings):
        files = {
            "manage.py": "",
            "site/views.py": "",
            "site/templatetags/tags.py": "",
            "site/geo/__init__.py": "",
            "templates/base.html": "",
            "templates/email/message.txt": "",
            "site/templates/site/feed.xml": "",
            "requirements.txt": "Django==6.1.3",
            "requirements-dev.txt": "",
            "notes.txt": "",
            ".venv/lib/module.py": "",
            "node_modules/pkg/index.py": "",
            "site/__pycache__/views.cpython-312.pyc": "",
            "static/css/site.css": "",
        }
        for name, text in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text)
        settings.BASE_DIR = tmp_path
        settings.STATIC_ROOT = tmp_path / "staticfiles"
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.RELEASE = ""
        lookup.release.cache_clear()
        yield tmp_path
        lookup.release.cache_clear()

    def test_every_python_file_and_template_counts_and_nothing_else(self, project):
        found = {path.relative_to(project).as_posix() for path in lookup.code_files(project)}
        assert found == {
            "manage.py",
            "site/views.py",
            "site/templatetags/tags.py",
            "site/geo/__init__.py",
            "templates/base.html",
            "templates/email/message.txt",
            "site/templates/site/feed.xml",
            "requirements.txt",
            "requirements-dev.txt",
        }

    @pytest.mark.parametrize(
        "name",
        [
            "site/templatetags/tags.py",
            "site/geo/__init__.py",
            "templates/email/message.txt",
            "requirements.txt",
        ],
    )
    def test_a_change_to_any_of_them_changes_the_release(self, project, name):
        before = lookup.release()
        (project / name).write_text("# changed")
        lookup.release.cache_clear()
        assert lookup.release() != before


def test_a_rehearsal_is_rolled_back_and_moves_no_version(client):
    first = get(client)
    before = version.current()
    with version.rehearsal():
        trip = Delegation.objects.get(slug="portugal-2013")
        trip.title = "Portugal, rehearsed"
        trip.save()
        assert version.current() == before  # the version's row is not even touched
    assert Delegation.objects.get(slug="portugal-2013").title != "Portugal, rehearsed"
    assert version.current() == before
    again = get(client)
    assert again.queries == hit_queries() and again.content == first.content


def test_a_rehearsal_in_redis_leaves_the_shared_copy_alone(shared_cache, monkeypatch):
    monkeypatch.setattr(version, "VERSION_COPY_TIMEOUT", 300)
    version.share_version(version.state())
    copy = shared_cache.get(version.VERSION_KEY)
    with version.rehearsal():
        Section.objects.update(heading="Rehearsed")
        Section.objects.first().save()
    assert shared_cache.get(version.VERSION_KEY) == copy
