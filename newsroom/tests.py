import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.test import SimpleTestCase, TestCase, override_settings

from articles.testing import make_article, make_section

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
}


def start_django(code, **env):
    """Start a Python process running `code` with the settings the
    environment (this one's, less Django's, the database's and Redis's, plus
    `env`) gives; return the Popen."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    environment.update(env)
    return subprocess.Popen(  # noqa: S603 (fixed interpreter and arguments)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "newsroom.settings", **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_django(code, **env):
    process = start_django(code, **env)
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


# Two processes each read, wait (up to 2 s) until the other has read too, then
# write, all in one transaction: what the site and its worker do at once.
WRITE_AT_ONCE = """
import os, time
from pathlib import Path
from django.db import connection, transaction
me, other = Path(os.environ["ME"]), Path(os.environ["OTHER"])
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM queue")
    me.touch()
    deadline = time.monotonic() + 2
    while not other.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    cursor.execute("INSERT INTO queue VALUES (1)")
with connection.cursor() as cursor:
    print(cursor.execute("PRAGMA journal_mode").fetchone()[0])
"""


class SettingsFromEnvironmentTests(SimpleTestCase):
    def test_production_without_secret_key_refuses_to_start_with_a_clear_message(self):
        result = run_django("", DJANGO_DEBUG="false")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY is not set", result.stderr)

    def test_production_without_redis_refuses_to_start_naming_redis_url(self):
        result = run_django("", **PRODUCTION)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: REDIS_URL is not set", result.stderr)

    def test_declared_single_process_uses_local_memory_and_runs_tasks_in_it(self):
        result = run_django(
            "from django.conf import settings as s; "
            "print(s.CACHES['default']['BACKEND'], s.TASKS['default']['BACKEND'])",
            NEWSROOM_SINGLE_PROCESS="true",
            **PRODUCTION,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        cache_backend, task_backend = result.stdout.split()
        self.assertEqual(cache_backend, "django.core.cache.backends.locmem.LocMemCache")
        self.assertTrue(task_backend.endswith(".ImmediateBackend"), task_backend)

    def test_local_defaults_are_sqlite_and_a_cache_the_worker_shares(self):
        result = run_django(
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])",
            DJANGO_DEBUG="true",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(),
            [
                "django.db.backends.sqlite3",
                # `make run`'s server and task worker both see it.
                "django.core.cache.backends.filebased.FileBasedCache",
            ],
        )

    def test_database_and_redis_urls_configure_postgres_and_redis(self):
        result = run_django(
            "from django.conf import settings as s; "
            "d = s.DATABASES['default']; "
            "print(d['ENGINE'], d['NAME'], d['HOST'], s.CACHES['default']['BACKEND'])",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="x" * 60,
            DJANGO_ALLOWED_HOSTS="news.example.org",
            DATABASE_URL="postgres://newsroom@db.internal:5432/news",
            REDIS_URL="redis://cache.internal:6379/0",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(),
            [
                "django.db.backends.postgresql",
                "news",
                "db.internal",
                "newsroom.cache.SharedClientRedisCache",
            ],
        )

    def test_database_connections_are_health_checked_unless_switched_off(self):
        code = (
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
        )
        checked = run_django(code, DJANGO_DEBUG="true")
        unchecked = run_django(
            code, DJANGO_DEBUG="true", DATABASE_CONN_HEALTH_CHECKS="false"
        )
        self.assertEqual(checked.stdout.split(), ["True"], checked.stderr)
        self.assertEqual(unchecked.stdout.split(), ["False"], unchecked.stderr)

    def test_postgresql_may_prepare_statements_unless_switched_off(self):
        code = (
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['OPTIONS'].get('prepare_threshold'))"
        )
        postgres = "postgres://postgres@127.0.0.1:5432/newsroom"
        prepared = run_django(code, DJANGO_DEBUG="true", DATABASE_URL=postgres)
        unprepared = run_django(
            code,
            DJANGO_DEBUG="true",
            DATABASE_URL=postgres,
            DATABASE_PREPARED_STATEMENTS="false",
        )
        sqlite = run_django(code, DJANGO_DEBUG="true", DATABASE_URL="sqlite:///x")
        self.assertEqual(prepared.stdout.split(), ["5"], prepared.stderr)
        self.assertEqual(unprepared.stdout.split(), ["None"], unprepared.stderr)
        self.assertEqual(sqlite.stdout.split(), ["None"], sqlite.stderr)

    def write_at_once(self, database_url):
        """Run WRITE_AT_ONCE in two processes; return their CompletedProcesses
        and the rows written."""
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        database = folder / "db.sqlite3"
        url = database_url.format(database=database)
        # The site's first connection (`migrate`, before the site and the
        # worker start) sets the journal: done here by the settings too.
        created = run_django(
            "from django.db import connection; "
            "connection.cursor().execute('CREATE TABLE queue (n integer)')",
            DJANGO_DEBUG="true",
            DATABASE_URL=url,
        )
        self.assertEqual(created.returncode, 0, created.stderr)
        processes = [
            start_django(
                WRITE_AT_ONCE,
                DJANGO_DEBUG="true",
                DATABASE_URL=url,
                ME=str(folder / name),
                OTHER=str(folder / other),
            )
            for name, other in [("a", "b"), ("b", "a")]
        ]
        results = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=60)
            results.append((process.returncode, stdout.strip(), stderr))
        with closing(sqlite3.connect(database)) as connection:
            rows = connection.execute("SELECT count(*) FROM queue").fetchone()[0]
        return results, rows

    def test_sqlite_writers_in_two_processes_wait_for_each_other(self):
        results, rows = self.write_at_once("sqlite:///{database}")
        for returncode, stdout, stderr in results:
            self.assertEqual((returncode, stdout), (0, "wal"), stderr)
        self.assertEqual(rows, 2)
        # What the options prevent: SQLite's default transactions, both
        # reading before either writes, fail one of the writes.
        results, rows = self.write_at_once(
            "sqlite:///{database}?transaction_mode=DEFERRED&timeout=20"
        )
        failed = [stderr for returncode, _, stderr in results if returncode]
        self.assertEqual(len(failed), 1, results)
        self.assertIn("database is locked", failed[0])
        self.assertEqual(rows, 1)

    def test_invalid_boolean_is_an_error(self):
        result = run_django("", DJANGO_DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_DEBUG must be true or false", result.stderr)


class ErrorPageTests(TestCase):
    def test_unknown_page_is_a_friendly_404(self):
        for path in ["/no/such/page/", "/world/2023/13/45/x/", "/a/999999/"]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "Page not found", status_code=404)

    def test_security_headers_are_sent(self):
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("Content-Security-Policy", response.headers)


# Forks as gunicorn --preload does: the first forked process to serve takes
# the lock over from the parent, the next one cannot.
FORKED_PROCESSES = """
import os, sys, time
from newsroom.single_process import ProcessLock

lock = ProcessLock(sys.argv[1])
lock.hold()
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        try:
            lock.hold()
        except Exception as error:
            print("refused", type(error).__name__, "REDIS_URL" in str(error))
            sys.stdout.flush()
            os._exit(1)
        print("serving")
        sys.stdout.flush()
        time.sleep(2)
        os._exit(0)
    children.append(pid)
    time.sleep(0.5)
for pid in children:
    os.waitpid(pid, 0)
"""


class SingleProcessTests(SimpleTestCase):
    """NEWSROOM_SINGLE_PROCESS=true without Redis: a second process refuses."""

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.environment = {
            **PRODUCTION,
            "NEWSROOM_SINGLE_PROCESS": "true",
            "DATABASE_URL": f"sqlite:///{self.folder / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(self.folder),
            "TMPDIR": str(self.folder),  # for the lock file
        }

    def gunicorn(self, workers):
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
        }
        log = (self.folder / f"gunicorn-{workers}.log").open("w+")
        self.addCleanup(log.close)
        process = subprocess.Popen(  # noqa: S603 (fixed command)
            [
                Path(sys.executable).parent / "gunicorn",
                "newsroom.wsgi",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(workers),
            ],
            cwd=BASE_DIR,
            env={**environment, **self.environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.addCleanup(process.kill)
        return process, log

    def test_gunicorn_with_more_than_one_worker_does_not_start(self):
        process, log = self.gunicorn(workers=2)
        self.assertNotEqual(process.wait(timeout=60), 0)
        log.seek(0)
        output = log.read()
        self.assertIn("Another process already serves this site", output)
        self.assertIn("Set REDIS_URL to run more than one", output)

    def test_gunicorn_with_one_worker_serves(self):
        process, log = self.gunicorn(workers=1)
        deadline = time.monotonic() + 60
        address = None
        while address is None and time.monotonic() < deadline:
            self.assertIsNone(process.poll(), "gunicorn exited")
            time.sleep(0.2)
            log.seek(0)
            for line in log:
                if "Listening at: " in line:
                    address = line.split("Listening at: ")[1].split()[0]
        self.assertIsNotNone(address, "gunicorn did not start in 60 s")
        page = f"{address}/robots.txt"  # gunicorn says http://127.0.0.1:<port>
        try:
            with urllib.request.urlopen(page, timeout=30) as reply:  # noqa: S310
                status = reply.status
        except urllib.error.HTTPError as error:
            # The site's database has no tables (SQLite: an OperationalError,
            # answered 503 like an unreachable database): fine here.
            status = error.code
        self.assertIn(status, (200, 500, 503))

    def test_of_processes_forked_after_loading_only_the_first_serves(self):
        result = subprocess.run(  # noqa: S603 (fixed interpreter and code)
            [sys.executable, "-c", FORKED_PROCESSES, str(self.folder / "lock")],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        self.assertEqual(
            result.stdout.splitlines(),
            ["serving", "refused ImproperlyConfigured True"],
            result.stderr,
        )


@contextmanager
def in_process(backend):
    """Use `backend` as the cache inside the block, as one app process would."""
    previous = caches["default"]
    caches["default"] = backend
    try:
        yield
    finally:
        caches["default"] = previous


def warm(client, url):
    """Request `url` until it comes from the page cache (a first view may
    build data that moves the content version)."""
    for _ in range(3):
        if client.get(url).get("X-Page-Cache") == "hit":
            return
    raise AssertionError(f"{url} did not come from the page cache")


@unittest.skipUnless(settings.REDIS_URL, "REDIS_URL is not set")
@override_settings(NEWSROOM_PAGE_CACHE=True)
class SharedCacheAcrossProcessesTests(TestCase):
    """Two app processes, each with its own cache backend (as two gunicorn
    workers have), on the Redis of REDIS_URL: what one unpublishes, the
    other stops serving at once."""

    def test_a_page_unpublished_through_one_process_is_gone_from_the_other(self):
        process_a = caches.create_connection("default")
        process_b = caches.create_connection("default")
        process_a.clear()
        article = make_article("Shared story", section=make_section("World"))
        url = article.get_absolute_url()
        with in_process(process_a):
            warm(self.client, url)
        with in_process(process_b):
            article.unpublish()
        with in_process(process_a):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("X-Page-Cache", response)


@override_settings(
    NEWSROOM_PAGE_CACHE=True,
    CACHES={
        name: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"process-{name}",
        }
        for name in ("default", "a", "b")
    },
)
class CachePerProcessTests(TestCase):
    """Why the settings refuse a per-process cache with debug off."""

    def test_a_process_keeps_serving_what_another_unpublished(self):
        article = make_article("Retracted story", section=make_section("World"))
        url = article.get_absolute_url()
        with in_process(caches["a"]):
            warm(self.client, url)
        with in_process(caches["b"]):
            article.unpublish()
        with in_process(caches["a"]):
            response = self.client.get(url)
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertContains(response, "Retracted story")
