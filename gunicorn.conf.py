"""gunicorn settings, each overridable from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Threads let a worker overlap database and network waits; processes use the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker whose memory passes GUNICORN_MAX_WORKER_MB is replaced once its requests are
# done (post_request below): that bounds a slow leak where it shows, and costs nothing
# while there is none. Replacing workers after a number of requests instead would, at
# cached pages' rates, restart each one every few seconds (off unless asked for).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
max_worker_memory = int(os.environ.get("GUNICORN_MAX_WORKER_MB", "512")) * 1024 * 1024
MEMORY_CHECK_EVERY = 100  # requests
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def resident_memory():
    """This process's resident memory in bytes (Linux), or None where it is not known."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except OSError:
        return None


def post_request(worker, req, environ, resp):
    worker.requests_served = getattr(worker, "requests_served", 0) + 1
    if max_worker_memory and worker.requests_served % MEMORY_CHECK_EVERY == 0:
        rss = resident_memory()
        if rss is not None and rss > max_worker_memory:
            worker.log.warning(
                "Worker %s uses %d MB, over GUNICORN_MAX_WORKER_MB: replacing it.",
                worker.pid,
                rss // (1024 * 1024),
            )
            worker.alive = False
