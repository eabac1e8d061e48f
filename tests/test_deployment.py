"""The deployment of docs/deploy.md, for real: nginx running docs/nginx.conf in front of
two gunicorn servers, with one PostgreSQL, one Redis, one S3-compatible bucket (moto)
and the task worker (tests/deployment.py starts them all, once).

Not part of `make test`: it needs nginx, PostgreSQL, Redis and moto. `make
test-deployment` runs it, and `.ci/run` does, after the PostgreSQL step.
"""

import io
import re
import time
import uuid

import pytest
from PIL import Image

from tests.deployment import (
    DRAFT,
    EDITOR,
    PAST,
    SIGHUP,
    SIGTERM,
    UPCOMING,
    Client,
    Deployment,
    Load,
    csrf_token,
    form_fields,
    log_in,
    manage,
    send_signal,
    wait_until,
)

pytestmark = pytest.mark.deployment

PUBLIC_PAGES = ["/", "/delegations/", f"/delegations/{PAST}/", "/symposium/"]


@pytest.fixture(scope="session")
def deployment(tmp_path_factory, collected_static, request):
    site = Deployment(tmp_path_factory.mktemp("deployment"), collected_static)
    try:
        site.start()
    except BaseException:
        print(f"\nThe deployment did not start; logs in {site.tmp}:\n{site.logs()}")
        site.stop()
        raise
    yield site
    if request.session.testsfailed:
        print(f"\nLogs of the deployment, in {site.tmp}:\n{site.logs()}")
    site.stop()


def jpeg(size=(1600, 1200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"% report body\n" * 2000 + b"%%EOF\n"


def trip_id(deployment, editor, slug):
    title = {PAST: "Deployment+past+trip"}[slug]
    page = editor.get(f"/{deployment.admin_url}delegations/delegation/?q={title}")
    ids = re.findall(r"/delegations/delegation/(\d+)/change/", page.text)
    assert ids, page.text[:1000]
    return ids[0]


def test_nginx_sends_every_request_to_the_app_servers_over_https(deployment):
    visitor = deployment.visitor()
    for path in PUBLIC_PAGES:
        assert visitor.get(path).status == 200, path
    # Plain http only redirects.
    plain = Client(deployment.http_port).get("/delegations/")
    assert plain.status == 301
    assert plain.header("Location") == "https://www.example.org/delegations/"
    # Both servers answered, each with the visitor's address in its access log.
    wait_until(
        lambda: all("/delegations/" in s.log_path.read_text() for s in deployment.servers),
        timeout=30,
        what="both servers to serve a page",
    )


def test_an_upload_on_one_server_is_checked_stored_in_the_bucket_and_served_by_the_other(
    deployment,
):
    a, b = deployment.servers
    editor = deployment.editor(a)
    trip = trip_id(deployment, editor, PAST)
    before = set(deployment.objects())

    # A file that is not a PDF is refused, with the reason.
    add_report = f"/{deployment.admin_url}delegations/report/add/"
    fields = {"delegation": trip, "title": "Deployment report", "slug": "deployment-report"}
    page = editor.get(add_report)
    refused = editor.post(
        add_report,
        form_fields(page, "report_form", **fields, _save="Save"),
        files={"file": ("takeaways.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert refused.status == 200
    assert "is not really a PDF" in refused.text
    assert set(deployment.objects()) == before

    page = editor.get(add_report)
    saved = editor.post(
        add_report,
        form_fields(page, "report_form", **fields, _save="Save"),
        files={"file": ("takeaways.pdf", PDF, "application/pdf")},
    )
    assert saved.status == 302, saved.text[:3000]

    photo = jpeg()
    add_photo = f"/{deployment.admin_url}delegations/photo/add/"
    page = editor.get(add_photo)
    photo_fields = {"delegation": trip, "caption": "Our group", "alt_text": "Twelve people"}
    saved = editor.post(
        add_photo,
        form_fields(page, "photo_form", **photo_fields, _save="Save"),
        files={"image": ("group.jpg", photo, "image/jpeg")},
    )
    assert saved.status == 302, saved.text[:3000]

    stored = deployment.objects()
    new = {key: data for key, data in stored.items() if key not in before}
    reports = [key for key in new if key.startswith("reports/")]
    originals = [
        key for key in new if key.startswith("delegations/photos/") and "renditions" not in key
    ]
    # The trip page's 4:3 copy, 800 wide, and the 1200x630 link preview.
    renditions = sorted(key for key in new if key.startswith("delegations/photos/renditions/"))
    assert len(reports) == len(originals) == 1 and len(renditions) == 2, sorted(new)
    assert new[reports[0]] == PDF
    assert new[originals[0]] == photo
    sizes = sorted(Image.open(io.BytesIO(new[key])).size for key in renditions)
    assert sizes == [(800, 600), (1200, 630)], sizes
    renditions.sort(key=lambda key: Image.open(io.BytesIO(new[key])).width)

    # Server B shows both, linked to the bucket, the report with its size...
    other = deployment.direct(b)
    report_page = other.get(f"/delegations/{PAST}/reports/deployment-report/")
    assert report_page.status == 200
    pdf_url = f"{deployment.s3_url}/{deployment.bucket}/{reports[0]}"
    assert pdf_url in report_page.text
    assert f"(PDF, {len(PDF) / 1024:.1f}\xa0KB" in report_page.text
    trip_page = other.get(f"/delegations/{PAST}/")
    thumbnail_url = f"{deployment.s3_url}/{deployment.bucket}/{renditions[0]}"
    assert thumbnail_url in trip_page.text
    # ...which the bucket serves to anyone, with the right type and size.
    for url, content_type, data in [
        (pdf_url, "application/pdf", PDF),
        (thumbnail_url, "image/jpeg", new[renditions[0]]),
    ]:
        served = deployment.fetch(url)
        assert served.status == 200
        assert served.header("Content-Type") == content_type
        assert int(served.header("Content-Length")) == len(data)
        assert served.body == data
    # An address under /media/, through nginx, leads there too.
    moved = deployment.visitor().get(f"/media/{reports[0]}")
    assert moved.status == 302
    assert moved.header("Location") == pdf_url


def test_an_edit_on_one_server_is_seen_at_once_through_the_other_and_through_nginx(deployment):
    a, b = deployment.servers
    editor = deployment.editor(a)
    change = (
        f"/{deployment.admin_url}delegations/delegation/{trip_id(deployment, editor, PAST)}/change/"
    )
    path = f"/delegations/{PAST}/"
    readers = {"server B": deployment.direct(b), "nginx": deployment.visitor()}
    etags = {name: reader.get(path).header("ETag") for name, reader in readers.items()}
    stale_pages = stale_304s = reads = 0
    rounds = 30
    for number in range(rounds):
        summary = f"Edit number {number}, {uuid.uuid4().hex}."
        form = editor.get(change)
        saved = editor.post(
            change, form_fields(form, "delegation_form", summary=summary, _save="Save")
        )
        assert saved.status == 302, saved.text[:3000]
        for name, reader in readers.items():
            for _ in range(2):  # two reads, likely two workers
                page = reader.get(path)
                reads += 1
                stale_pages += summary not in page.text
                again = reader.get(path, **{"If-None-Match": etags[name]})
                stale_304s += again.status == 304
            etags[name] = page.header("ETag")
    print(
        f"\n{rounds} edits on server A, {reads} reads through B and nginx: "
        f"{stale_pages} stale pages, {stale_304s} stale 304s"
    )
    assert (stale_pages, stale_304s) == (0, 0)


def inquire(deployment, source, forwarded_for=None):
    visitor = deployment.visitor(source)
    page = visitor.get(f"/delegations/{UPCOMING}/")
    fields = [
        ("csrfmiddlewaretoken", csrf_token(page)),
        ("name", "Ada Visitor"),
        ("email", "ada@example.org"),
        ("message", f"Is there still room? (from {source})"),
        ("consent", "on"),
        ("website", ""),
    ]
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return visitor.post(f"/delegations/{UPCOMING}/inquire/", fields, **headers).status


def test_visitors_are_rate_limited_separately_and_cannot_claim_another_address(deployment):
    # Counted in the shared Redis: nginx spreads the posts over both servers.
    statuses = [inquire(deployment, "127.0.0.2") for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert inquire(deployment, "127.0.0.2", forwarded_for="127.0.0.3") == 429
    assert inquire(deployment, "127.0.0.3") == 302
    # The worker sends each inquiry's email to the trip's contact (printed: no EMAIL_HOST).
    wait_until(
        lambda: "(from 127.0.0.3)" in deployment.worker.log_path.read_text(),
        timeout=90,
        what="the worker to send the inquiry's email",
    )


def test_visitors_are_locked_out_separately_and_cannot_claim_another_address(deployment):
    guesser = deployment.visitor("127.0.0.4")
    for attempt in range(5):  # AXES_FAILURE_LIMIT
        log_in(guesser, deployment.admin_url, f"guess{attempt}", "wrong")
    assert log_in(guesser, deployment.admin_url, "guess", "wrong").status == 429
    forged = {"X-Forwarded-For": "127.0.0.5"}
    page = guesser.get(f"/{deployment.admin_url}login/")
    fields = [("csrfmiddlewaretoken", csrf_token(page)), ("username", "x"), ("password", "y")]
    assert guesser.post(f"/{deployment.admin_url}login/", fields, **forged).status == 429
    # The editor, from another address, is not locked out by someone else's guesses.
    editor = deployment.visitor("127.0.0.5")
    assert log_in(editor, deployment.admin_url, *EDITOR).status == 302


def test_cache_headers_let_a_cdn_keep_public_pages_only(deployment):
    visitor = deployment.visitor()
    for path in PUBLIC_PAGES:
        page = visitor.get(path)
        assert page.header("Cache-Control") == "public, max-age=0, must-revalidate", path
        assert page.header("ETag").startswith('W/"'), path
        again = visitor.get(path, **{"If-None-Match": page.header("ETag")})
        assert again.status == 304, path
    # A page with a form (a CSRF token), the admin, a staff preview: never shared.
    editor = deployment.visitor()
    log_in(editor, deployment.admin_url, *EDITOR)
    for client, path in [
        (visitor, f"/delegations/{UPCOMING}/"),
        (visitor, f"/{deployment.admin_url}login/"),
        (visitor, f"/{deployment.admin_url}password_reset/"),
        (editor, f"/{deployment.admin_url}"),
        (editor, f"/delegations/{DRAFT}/"),
        (editor, f"/delegations/{PAST}/"),
    ]:
        page = client.get(path)
        assert page.status == 200, path
        cache_control = page.header("Cache-Control")
        assert "private" in cache_control or "no-store" in cache_control, (path, cache_control)
        assert "public" not in cache_control, path
    assert "no-store" in editor.get(f"/delegations/{DRAFT}/").header("Cache-Control")


def under_load(deployment, action, seconds_after=3):
    """Run `action()` while four visitors read public pages through nginx; return the
    load's counts and what `action` returned."""
    with Load(deployment.visitor, PUBLIC_PAGES) as load:
        load.wait_for(100)
        result = action(load)
        start = load.counts["total"]
        load.wait_for(start + 100, timeout=90)
        time.sleep(seconds_after)
    return load, result


def test_a_reload_under_load_fails_no_request(deployment):
    def reload_both(load):
        for server in deployment.servers:
            log = server.log_path
            booted = log.read_text().count("Booting worker")
            send_signal(server, SIGHUP)
            # New workers with the new code, then the old ones gone.
            wait_until(
                lambda log=log, booted=booted: (
                    log.read_text().count("Booting worker") >= booted + 2
                ),
                timeout=90,
                what="new workers",
            )

    load, _ = under_load(deployment, reload_both)
    print(f"\nReload of both servers under load: {dict(load.counts)}")
    assert load.failed == 0, load.failures[:10]


def test_stopping_one_server_under_load_sends_everything_to_the_other(deployment):
    a, b = deployment.servers

    def stop_a(load):
        with load.lock:
            in_flight = load.in_flight
            send_signal(a, SIGTERM)
        a.process.wait(timeout=60)
        return in_flight

    try:
        load, in_flight = under_load(deployment, stop_a)
        print(
            f"\nServer A stopped under load ({in_flight} requests in flight): "
            f"{load.counts['5xx']} 5xx, {load.counts['connection error']} connection errors, "
            f"{dict(load.counts)}"
        )
        assert load.counts["5xx"] + load.counts["connection error"] <= in_flight
        assert load.failed == load.counts["5xx"] + load.counts["connection error"]
    finally:
        # Back as it was, on the same port; nginx uses it again after fail_timeout.
        deployment.start_server("a", a.port, generation=1)


def test_backup_and_restore_round_trip_the_media_through_the_bucket(deployment):
    objects = deployment.objects()
    assert objects, "the upload test leaves files in the bucket"
    folder = deployment.tmp / "backup"
    manage("backup_site", str(folder), env=deployment.env)
    s3 = deployment.s3()
    for key in objects:
        s3.delete_object(Bucket=deployment.bucket, Key=key)
    assert deployment.objects() == {}
    manage(
        "restore_site",
        str(folder),
        env={**deployment.env, "DATABASE_URL": deployment.restore_database_url},
    )
    assert deployment.objects() == objects
