"""The deployment of docs/deploy.md, started for real on this machine for
tests/test_deployment.py: an S3-compatible store (moto), a PostgreSQL database and a
Redis database of its own, the task worker, two gunicorn servers and nginx running
docs/nginx.conf with only its ports and paths changed. Also the HTTP client, the admin
form reader and the load generator the tests drive it with.
"""

import collections
import html.parser
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.servers import HOST, ROOT, Gunicorn, Process, free_port, manage, production_env

SITE = "www.example.org"  # docs/nginx.conf's server_name, kept as written
ORIGIN = f"https://{SITE}"
BUCKET = "cosn-global-media"
EDITOR = ("editor", "deployment-tests-only-password")
REDIS_URL = os.environ.get("DEPLOYMENT_REDIS_URL", "redis://127.0.0.1:6379/13")
POSTGRES_URL = os.environ.get("DEPLOYMENT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
UPCOMING, PAST, DRAFT = "deployment-upcoming", "deployment-past", "deployment-draft"

# The seed content and groups, as on a first deploy, an editor, and the tests' own
# content: a trip that takes inquiries, a past trip to edit and upload to, a draft.
SETUP = f"""
import datetime
import io
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from core.tests.factories import PersonFactory
from delegations.tests.factories import DelegationFactory
call_command("load_seed_content", verbosity=0)
call_command("setup_groups", verbosity=0, stdout=io.StringIO())
User.objects.create_superuser("{EDITOR[0]}", "editor@example.org", "{EDITOR[1]}")
today = timezone.localdate()
upcoming = DelegationFactory(slug="{UPCOMING}", title="Deployment upcoming trip",
                             start_date=today + datetime.timedelta(days=90))
upcoming.contacts.add(PersonFactory(email="trips@example.org"))
DelegationFactory(slug="{PAST}", title="Deployment past trip",
                  start_date=today - datetime.timedelta(days=400))
DelegationFactory(slug="{DRAFT}", title="Deployment draft trip", is_published=False,
                  start_date=today - datetime.timedelta(days=300))
"""


# --- nginx: docs/nginx.conf with only ports and paths changed ----------------------------

NGINX_MAIN = """\
{user}worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr '
                        '$upstream_status $request_time';
    access_log {tmp}/nginx-access.log upstream;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


def site_config(text, *, http_port, https_port, app_ports, certificate, key, media_root):
    """docs/nginx.conf with its ports and paths replaced, and nothing else: each
    replacement must match exactly as often as expected."""
    replacements = [
        ("listen 80;", f"listen {http_port};", 1),
        ("listen [::]:80;", f"listen [::]:{http_port};", 1),
        ("listen 443 ssl http2;", f"listen {https_port} ssl http2;", 1),
        ("listen [::]:443 ssl http2;", f"listen [::]:{https_port} ssl http2;", 1),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{app_ports[0]} ", 1),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{app_ports[1]} ", 1),
        ("/etc/letsencrypt/live/www.example.org/fullchain.pem", certificate, 1),
        ("/etc/letsencrypt/live/www.example.org/privkey.pem", key, 1),
        ("alias /srv/cosn-global/media/;", f"alias {media_root}/;", 1),
    ]
    for old, new, count in replacements:
        found = text.count(old)
        assert found == count, f"docs/nginx.conf has {old!r} {found} times, not {count}"
        text = text.replace(old, str(new))
    return text


def self_signed_certificate(folder):
    certificate, key = folder / "site.crt", folder / "site.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={SITE}", "-addext", f"subjectAltName=DNS:{SITE}"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode(errors="replace")

    def header(self, name):
        return self.headers.get(name) or ""


class Client:
    """One visitor: a keep-alive connection to one port, with cookies. `source` is the
    address it connects from; `headers` go with every request (e.g. those nginx adds,
    when talking to gunicorn directly)."""

    def __init__(self, port, *, tls=False, context=None, source=HOST, headers=None):
        self.port, self.tls, self.context, self.source = port, tls, context, source
        self.headers = {"Host": SITE, **(headers or {})}
        self.cookies = {}
        self.connection = None

    def close(self):
        if self.connection:
            self.connection.close()
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        if self.connection is None:
            options = {"timeout": 60, "source_address": (self.source, 0)}
            self.connection = (
                http.client.HTTPSConnection(HOST, self.port, context=self.context, **options)
                if self.tls
                else http.client.HTTPConnection(HOST, self.port, **options)
            )
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except BaseException:
            self.close()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in rest.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.will_close:
            self.close()
        return Response(response.status, response.headers, body)

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, files=None, **headers):
        """A form, sent as a browser on the site would: multipart, with its Origin."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
        for name, (filename, content, content_type) in (files or {}).items():
            parts.append(
                f"--{boundary}\r\nContent-Disposition: form-data; name={json.dumps(name)}; "
                f"filename={json.dumps(filename)}\r\nContent-Type: {content_type}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": ORIGIN,
            **headers,
        }
        return self.request("POST", path, body=body, headers=headers)


class FormReader(html.parser.HTMLParser):
    """The fields a browser would send from the form `form_id` (or the first POST
    form with a CSRF token), as (name, value) pairs; file inputs and buttons left out."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = self.done = False
        self.fields = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            self.inside = attrs.get("id") == self.form_id if self.form_id else True
            self.fields = []
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append([name, attrs.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select" and name:
            self.select = {
                "name": name,
                "options": [],
                "chosen": [],
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["options"].append(value)
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            has_token = any(name == "csrfmiddlewaretoken" for name, _ in self.fields)
            if self.form_id or has_token:
                self.inside, self.done = False, True
            else:
                self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"]:
                chosen = self.select["options"][:1]
            self.fields.extend([self.select["name"], value] for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            # As a browser does, drop the newline that follows <textarea>.
            self.fields.append([name, value.removeprefix("\r\n").removeprefix("\n")])
            self.textarea = None


def form_fields(page, form_id=None, **changes):
    """The form's fields as the page has them, with `changes` replacing (or adding) values."""
    reader = FormReader(form_id)
    reader.feed(page.text)
    assert reader.done, f"no form {form_id or 'with a CSRF token'} on the page"
    fields = [(name, value) for name, value in reader.fields if name not in changes]
    return fields + list(changes.items())


def csrf_token(page):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(client, admin_url, username, password):
    page = client.get(f"/{admin_url}login/")
    fields = [
        ("csrfmiddlewaretoken", csrf_token(page)),
        ("username", username),
        ("password", password),
        ("next", f"/{admin_url}"),
    ]
    return client.post(f"/{admin_url}login/", fields)


# --- Load ------------------------------------------------------------------------------------


class Load:
    """`threads` visitors reading `paths` through `port` in a loop until stopped, each on
    its own keep-alive connection; counts answers by kind and what is in flight."""

    def __init__(self, make_client, paths, threads=4):
        self.make_client, self.paths, self.threads = make_client, paths, threads
        self.counts = collections.Counter()
        self.failures = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.stopping = threading.Event()
        self.workers = []

    def __enter__(self):
        for number in range(self.threads):
            worker = threading.Thread(target=self.visit, args=(number,), daemon=True)
            worker.start()
            self.workers.append(worker)
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for worker in self.workers:
            worker.join(timeout=90)

    def visit(self, number):
        client = self.make_client()
        index = number
        while not self.stopping.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            with self.lock:
                self.in_flight += 1
            try:
                status = client.get(path).status
                kind = "5xx" if status >= 500 else "ok" if status < 400 else f"{status}"
                detail = status
            except (OSError, http.client.HTTPException) as error:
                kind, detail = "connection error", repr(error)
            with self.lock:
                self.in_flight -= 1
                self.counts[kind] += 1
                self.counts["total"] += 1
                if kind != "ok":
                    self.failures.append((time.monotonic(), path, detail))
        client.close()

    def wait_for(self, total, timeout=60):
        deadline = time.monotonic() + timeout
        while self.counts["total"] < total:
            assert time.monotonic() < deadline, f"only {self.counts['total']} requests made"
            time.sleep(0.05)

    @property
    def failed(self):
        return self.counts["total"] - self.counts["ok"]


# --- The deployment ------------------------------------------------------------------------


def wait_until(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def reachable(port):
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        return False
    return True


class Deployment:
    """Start everything in `tmp` (logs included); `stop()` stops it all."""

    def __init__(self, tmp, static_root):
        self.tmp = Path(tmp)
        self.static_root = static_root
        self.processes = []
        self.databases = []
        suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.database_url = f"{POSTGRES_URL}/cosn_deployment_{suffix}"
        # Migrated and empty: where restore_site puts the backup back.
        self.restore_database_url = f"{POSTGRES_URL}/cosn_deployment_restore_{suffix}"
        self.admin_url = "admin/"
        self.bucket = BUCKET
        self.servers = []

    # Each piece, in the order they start.

    def step(self, name):
        now = time.monotonic()
        print(f"[deployment] {name} ({now - self.started:.1f} s)", flush=True)

    def start(self):
        self.started = time.monotonic()
        self.step("moto")
        self.s3_server = self.run(
            Process(
                [sys.executable, "-m", "moto.server", "-H", HOST, "-p", (port := free_port())],
                {**os.environ},
                self.tmp / "moto.log",
                ready=lambda: reachable(port),
            )
        )
        self.s3_url = f"http://{HOST}:{port}"
        self.create_bucket()
        self.create_database(self.database_url)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

        self.env = production_env(
            SECRET_KEY="deployment-tests-only-not-secret",
            ALLOWED_HOSTS=f"{SITE},{HOST}",
            # HTTPS as in production: nginx terminates TLS and says so.
            SECURE_SSL_REDIRECT="1",
            SESSION_COOKIE_SECURE="1",
            CSRF_COOKIE_SECURE="1",
            SECURE_HSTS_SECONDS=str(60 * 60 * 24 * 365),
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
            CSRF_TRUSTED_ORIGINS=ORIGIN,
            TRUSTED_PROXIES=HOST,
            DATABASE_URL=self.database_url,
            REDIS_URL=REDIS_URL,
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.tmp / "media"),
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=self.s3_url,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID="deployment",
            AWS_SECRET_ACCESS_KEY="deployment-not-secret",  # noqa: S106
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="4",
            LOG_LEVEL="WARNING",
            # A day-long window, so that a test never straddles two.
            INQUIRY_RATE_WINDOW=str(24 * 60 * 60),
        )
        self.step("migrate")
        manage("migrate", "--no-input", "-v0", env=self.env)
        self.copy_database(self.database_url, self.restore_database_url)
        self.step("seed")
        # One process for what `make serve` runs as several commands: each start costs seconds.
        manage("shell", "-v0", "-c", SETUP, env=self.env)
        self.step("worker")
        self.worker = self.run(
            Process(
                [sys.executable, "manage.py", "worker"],
                {**self.env, "PYTHONUNBUFFERED": "1"},  # its emails, printed, in the log now
                self.tmp / "worker.log",
                # Up once it holds a connection to the database.
                ready=lambda: self.worker_is_up(),
            )
        )
        self.step("gunicorn")
        ports = [free_port(), free_port()]
        for name, port in zip("ab", ports, strict=True):
            self.start_server(name, port)
        self.step("nginx")
        self.start_nginx(ports)
        self.step("ready")

    def run(self, process):
        process.__enter__()
        self.processes.append(process)
        return process

    def start_server(self, name, port, generation=0):
        server = Gunicorn(
            self.env,
            self.tmp / f"gunicorn-{name}{'-' + str(generation) if generation else ''}.log",
            ready_path="/healthz",
            port=port,
            stop_timeout=40,
        )
        server.name = name
        self.run(server)
        index = "ab".index(name)
        if len(self.servers) > index:
            self.servers[index] = server
        else:
            self.servers.append(server)
        return server

    def worker_is_up(self):
        return (
            self.psql(
                self.database_url,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()",
            )
            != "0"
        )

    def start_nginx(self, app_ports):
        certificate, key = self_signed_certificate(self.tmp)
        self.certificate = certificate
        self.http_port, self.https_port = free_port(), free_port()
        site = self.tmp / "site.conf"
        site.write_text(
            site_config(
                (ROOT / "docs" / "nginx.conf").read_text(),
                http_port=self.http_port,
                https_port=self.https_port,
                app_ports=app_ports,
                certificate=certificate,
                key=key,
                media_root=self.tmp / "media",
            )
        )
        main = self.tmp / "nginx.conf"
        # As root, nginx's workers would run as "nobody", which cannot enter pytest's
        # private temporary folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        main.write_text(NGINX_MAIN.format(user=user, tmp=self.tmp, site=site))
        self.context = ssl.create_default_context(cafile=str(certificate))
        self.context.check_hostname = False  # reached as 127.0.0.1; the certificate is checked
        self.nginx = self.run(
            Process(
                ["nginx", "-c", main, "-g", "daemon off;"],
                {**os.environ},
                self.tmp / "nginx.log",
                ready=lambda: self.visitor().get("/healthz").status == 200,
            )
        )

    # Visitors and editors.

    def visitor(self, source=HOST):
        """A browser, through nginx over HTTPS, from `source`."""
        return Client(self.https_port, tls=True, context=self.context, source=source)

    def direct(self, server):
        """A client of one gunicorn, sending what nginx would add."""
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": HOST}
        return Client(server.port, headers=forwarded)

    def editor(self, server):
        client = self.direct(server)
        response = log_in(client, self.admin_url, *EDITOR)
        assert response.status == 302, response.text[:2000]
        return client

    # PostgreSQL, Redis and the bucket.

    def psql(self, url, sql):
        result = subprocess.run(
            ["psql", url, "-tAc", sql], check=True, capture_output=True, text=True
        )
        return result.stdout.strip()

    def create_database(self, url):
        name = url.rsplit("/", 1)[1]
        self.psql(f"{POSTGRES_URL}/postgres", f"CREATE DATABASE {name}")
        self.databases.append(name)

    def copy_database(self, source, target):
        name = target.rsplit("/", 1)[1]
        template = source.rsplit("/", 1)[1]
        self.psql(f"{POSTGRES_URL}/postgres", f"CREATE DATABASE {name} TEMPLATE {template}")
        self.databases.append(name)

    def s3(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            region_name="us-east-1",
            aws_access_key_id="deployment",
            aws_secret_access_key="deployment-not-secret",  # noqa: S106
        )

    def create_bucket(self):
        s3 = self.s3()
        s3.create_bucket(Bucket=BUCKET)
        # Objects readable by anyone, as docs/deploy.md asks of the bucket.
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/*",
                }
            ],
        }
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))

    def objects(self):
        """Every object in the bucket: key -> bytes."""
        s3 = self.s3()
        keys = [
            item["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            for item in page.get("Contents", [])
        ]
        return {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}

    def fetch(self, url):
        """GET an absolute http URL (the bucket's), as a browser with no credentials."""
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    # Logs.

    def logs(self):
        return "\n".join(
            f"----- {path.name} (last 40 lines)\n"
            + "\n".join(path.read_text(errors="replace").splitlines()[-40:])
            for path in sorted(self.tmp.glob("*.log"))
        )

    def stop(self):
        for process in reversed(self.processes):
            try:
                process.stop()
            except Exception:  # noqa: BLE001 - stop the rest all the same
                pass
        for name in self.databases:
            subprocess.run(
                ["psql", f"{POSTGRES_URL}/postgres", "-tAc"]
                + [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                capture_output=True,
            )


def send_signal(server, number):
    os.kill(server.process.pid, number)


SIGTERM, SIGHUP = signal.SIGTERM, signal.SIGHUP
