"""gunicorn settings for Newsroom, read from the environment.

    gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi

Every value can be changed with an environment variable (GUNICORN_*, listed
in docs/operations.md, "Deploying"); gunicorn's own GUNICORN_CMD_ARGS and
command-line options still override them. `kill -HUP` (systemctl reload)
starts new workers with the new code and stops the old ones once they have
answered their requests.
"""

import os

BIND_DEFAULT = "0.0.0.0:8000"


def _int(name, default):
    return int(os.environ.get(name) or default)


def _cpus():
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", BIND_DEFAULT).split(",")
# Synchronous workers: requests are short (a cached page is one Redis round
# trip), and each worker holds one database connection. With
# NEWSROOM_SINGLE_PROCESS=true use GUNICORN_WORKERS=1 and GUNICORN_THREADS=8.
workers = _int("GUNICORN_WORKERS", 2 * _cpus() + 1)
threads = _int("GUNICORN_THREADS", 1)
# A request running longer than this is killed (its worker restarted); a
# slow upload or an admin page on a cold cache stays well under it.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On restart or reload, workers get this long to finish their requests.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive with the proxy in front (nginx or Varnish) on the same network.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker is replaced after about this many requests (0: never), the
# jitter spreading the restarts so that workers do not restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
# Addresses of the proxies whose X-Forwarded-* headers gunicorn trusts (for
# wsgi.url_scheme). Django itself trusts X-Forwarded-Proto only with
# DJANGO_BEHIND_TLS_PROXY, and readers' addresses only through
# NEWSROOM_CLIENT_IP_HEADER.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory, not on a disk that may stall.
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Logs to standard output and error (the journal, or the container's log).
# The access log has the client (as the proxy in front saw it), the request,
# the status, the size, the time taken in milliseconds and the page cache's
# answer (hit, stale or none).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms '
    'cache=%({x-page-cache}o)s "%(f)s" "%(a)s"'
)
proc_name = "newsroom"
