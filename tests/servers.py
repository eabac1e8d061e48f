"""Real servers for the tests that need them (and for bench/, which measures them):
gunicorn as `make serve` runs it, on a free loopback port; and, for the deployment
tests, the other processes of docs/deploy.md: nginx, the task worker and an
S3-compatible object store (moto).

Each server runs in its own session and process group, so Ctrl-C reaches the script
(which stops the server) and stopping the group stops every worker. It is always
stopped when the `with` block ends, on an error too.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(**settings):
    """Production settings over plain http on loopback (no HTTPS redirect, HSTS or secure
    cookies), nothing read from a .env file, and `settings` on top."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TZ") if key in os.environ}
    env.update(
        ENV_FILE=os.devnull,
        DJANGO_SETTINGS_MODULE="cosn_global.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
    )
    env.update(settings)
    return env


def manage(*args, env):
    """Run a management command in a separate process with this environment."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def http_status(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Process:
    """A command run from the project folder with `env`, its output in `log_path`, in its
    own process group; `ready()` (if given) is polled until it returns true."""

    def __init__(self, command, env, log_path, *, ready=None, timeout=60, stop_timeout=20):
        self.command = [str(part) for part in command]
        self.env = env
        self.log_path = Path(log_path)
        self.ready = ready
        self.timeout = timeout
        self.stop_timeout = stop_timeout
        self.process = self.log_file = None

    def __enter__(self):
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def wait_until_ready(self):
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited:\n{self.log_tail()}")
            try:
                if self.ready is None or self.ready():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.command[0]} not ready in {self.timeout} s")
            time.sleep(0.2)

    def log_tail(self, lines=20):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log_file:
            self.log_file.close()


class Gunicorn(Process):
    """`gunicorn -c gunicorn.conf.py cosn_global.wsgi` with `env`, its output in `log_path`.

    Ready once `ready_path` answers 200; stopped with SIGTERM, then SIGKILL after
    `stop_timeout` seconds.
    """

    def __init__(self, env, log_path, *, ready_path="/", stop_timeout=20, port=None):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.ready_path = ready_path
        super().__init__(
            [GUNICORN, "-c", "gunicorn.conf.py", "cosn_global.wsgi"],
            {**env, "GUNICORN_BIND": f"{HOST}:{self.port}"},
            log_path,
            ready=self.answers,
            stop_timeout=stop_timeout,
        )

    def answers(self):
        status = http_status(self.url + self.ready_path)  # OSError while not listening yet
        if status != 200:
            raise RuntimeError(
                f"{self.ready_path} answered {status}; see {self.log_path}:\n{self.log_tail()}"
            )
        return True
