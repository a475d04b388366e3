"""Holding NEWSROOM_SINGLE_PROCESS=true to its word: one process serves the site.

Without REDIS_URL the cache, and with it the content version that keeps cached
pages exact, lives in the memory of one process. With debug off the settings
refuse to start that way unless NEWSROOM_SINGLE_PROCESS=true declares that one
process serves the site; a second one would go on serving its own copies of
pages (an article the editor has just unpublished through the first) for up
to NEWSROOM_PAGE_CACHE_SECONDS.

In that mode the WSGI and ASGI applications (newsroom/wsgi.py, asgi.py) hold
an exclusive lock (flock) on a file named after the site's database, in the
temporary folder, from the moment they load:

- A second process that loads the application for the same database on the
  same machine (a second gunicorn worker, a second gunicorn, uvicorn
  --workers 2) cannot take it and refuses to start with ImproperlyConfigured,
  naming REDIS_URL. gunicorn stops altogether when a worker fails to boot, so
  `gunicorn newsroom.wsgi --workers 4` does not start.
- A process forked from one that had loaded the application (gunicorn
  --preload) takes the lock over on its first request; the next one forked
  cannot, and answers every request with that error instead of a page.

What it cannot see, so the declaration remains the operator's:

- processes on other machines, in other containers, or in systemd services
  with PrivateTmp=, which do not share the temporary folder;
- processes that do not serve pages: management commands (`manage.py shell`,
  imports) keep a cache of their own, so content they change reaches pages
  cached by the server only when those expire. Tasks run inside the serving
  process in this mode (settings.py), so no task worker is needed.

Threads share the process's cache: gunicorn --threads is fine. Not on
Windows, which has no flock (and no gunicorn).
"""

import hashlib
import os
import tempfile

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


def applies():
    """Return True if the site runs on a local-memory cache by declaration."""
    return bool(settings.NEWSROOM_SINGLE_PROCESS and not settings.REDIS_URL)


def lock_path(database):
    """Return the lock file of the site stored in `database` (a DATABASES entry)."""
    where = "|".join(
        str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME")
    )
    digest = hashlib.sha256(where.encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"newsroom-{digest}.lock")


class ProcessLock:
    """An exclusive lock on a file, held by at most one process at a time."""

    def __init__(self, path):
        self.path = path
        self.file = None
        self.pid = None

    def hold(self):
        """Take the lock for this process unless it has it already; raise
        ImproperlyConfigured if another process holds it."""
        if self.pid == os.getpid() or fcntl is None:
            return
        if self.file is not None:
            # Forked from the process that took it, and sharing its open file:
            # unlocking lets the first forked process to ask take it over.
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None
        file = open(self.path, "a")  # noqa: SIM115 (held for the process's life)
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            raise ImproperlyConfigured(
                "Another process already serves this site, and REDIS_URL is not "
                "set: with NEWSROOM_SINGLE_PROCESS=true exactly one process may "
                "serve it (gunicorn --workers 1), since each keeps its cache, "
                "and so what pages are current, to itself. Set REDIS_URL to "
                f"run more than one. (Lock file: {self.path})"
            ) from None
        self.file, self.pid = file, os.getpid()


def wsgi_alone(application):
    """Return the WSGI `application`, refusing to run in a second process
    when a local-memory cache is used by declaration (see the module)."""
    if not applies():
        return application
    lock = ProcessLock(lock_path(settings.DATABASES["default"]))
    lock.hold()

    def single_process_application(environ, start_response):
        lock.hold()
        return application(environ, start_response)

    return single_process_application


def asgi_alone(application):
    """Return the ASGI `application`, as `wsgi_alone` does for WSGI."""
    if not applies():
        return application
    lock = ProcessLock(lock_path(settings.DATABASES["default"]))
    lock.hold()

    async def single_process_application(scope, receive, send):
        lock.hold()
        return await application(scope, receive, send)

    return single_process_application
