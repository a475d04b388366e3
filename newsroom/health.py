"""Health endpoints for load balancers and orchestrators: /healthz and /readyz.

`HealthCheckMiddleware` answers both at the top of the middleware stack:
before SecurityMiddleware, so that a probe over plain HTTP is not redirected
to HTTPS and a probe sending an address as its Host header is not refused
(nothing is built from the host); before the page cache, so that no answer
is ever stored. Both are JSON with `Cache-Control: no-store`.

- /healthz (liveness): the process answers. No I/O at all.
- /readyz (readiness): the database, the cache, media storage, the task
  queue (how long the oldest due task has waited; when each periodic task
  last ran) and the checks apps register (`register_readiness_check`, e.g.
  related posts of recent publications). 200 when every check passes, else
  503. A probe costs a few small queries and two cache round trips.
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .background import oldest_due_task_wait, periodic_task_runs

logger = logging.getLogger(__name__)

LIVENESS_PATHS = {"/healthz", "/healthz/"}
READINESS_PATHS = {"/readyz", "/readyz/"}

_registered = {}


def register_readiness_check(name, check):
    """Add `check` to /readyz: a function returning a dict with "ok" (a bool)
    and any figures worth showing. It runs only when the database answers."""
    _registered[name] = check


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path in LIVENESS_PATHS:
            return _answer({"status": "ok"})
        if path in READINESS_PATHS:
            return _answer(readiness())
        return self.get_response(request)


def _answer(report):
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    add_never_cache_headers(response)
    return response


def readiness():
    """Run every readiness check; return the report /readyz sends."""
    checks = {
        "database": _run(check_database),
        "cache": _run(check_cache),
        "storage": _run(check_storage),
    }
    after_database = {
        "task_queue": check_task_queue,
        "periodic_tasks": check_periodic_tasks,
        **_registered,
    }
    for name, check in after_database.items():
        checks[name] = (
            _run(check)
            if checks["database"]["ok"]
            else {"ok": False, "error": "database unavailable"}
        )
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "unavailable", "checks": checks}


def _run(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:
        # One line per failure: a load balancer may poll every second.
        logger.warning("Readiness check %s failed: %r", check.__name__, error)
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache():
    key, token = f"readyz:{os.getpid()}", time.time_ns()
    cache.set(key, token, timeout=30)
    return {"ok": cache.get(key) == token}


def check_storage():
    """Local files: the folder (or the folder it will be made in) is
    writable, without writing. Other storages: one existence check."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return {"ok": os.access(folder, os.W_OK | os.X_OK)}
    storage.exists("readyz-probe")
    return {"ok": True}


def check_task_queue():
    """Workers take tasks: the oldest due task has waited at most
    NEWSROOM_READY_MAX_TASK_WAIT seconds."""
    waited = oldest_due_task_wait()
    if waited is None:  # tasks run in the process that enqueues them
        return {"ok": True, "queue": False}
    limit = settings.NEWSROOM_READY_MAX_TASK_WAIT
    return {
        "ok": waited <= limit,
        "oldest_waiting_seconds": round(waited),
        "limit_seconds": limit,
    }


def check_periodic_tasks():
    """Every periodic task ran within its interval plus
    NEWSROOM_READY_MAX_TASK_WAIT seconds."""
    periodic = periodic_task_runs()
    if periodic is None:
        return {"ok": True, "queue": False}
    limit = settings.NEWSROOM_READY_MAX_TASK_WAIT
    now = timezone.now()
    tasks = {}
    for path, (last_run, every) in periodic.items():
        ago = None if last_run is None else round((now - last_run).total_seconds())
        tasks[path] = {
            "ok": ago is not None and ago <= every + limit,
            "last_run_seconds_ago": ago,
            "every_seconds": every,
        }
    return {"ok": all(task["ok"] for task in tasks.values()), "tasks": tasks}
