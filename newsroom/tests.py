import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase, TestCase

BASE_DIR = Path(__file__).resolve().parent.parent


def run_django(code, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 (fixed interpreter and arguments)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "newsroom.settings", **environment},
        capture_output=True,
        text=True,
        check=False,
    )


class SettingsFromEnvironmentTests(SimpleTestCase):
    def test_production_without_secret_key_refuses_to_start_with_a_clear_message(self):
        result = run_django("", DJANGO_DEBUG="false")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY is not set", result.stderr)

    def test_local_defaults_are_sqlite_and_local_memory_cache(self):
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
                "django.core.cache.backends.locmem.LocMemCache",
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
