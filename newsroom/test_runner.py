import logging
import os
import shutil
import sys
import tempfile
import warnings

from django.conf import settings
from django.test import override_settings
from django.test.runner import DiscoverRunner

from newsroom.background import IMMEDIATE_BACKEND
from newsroom.cache import SharedClientRedisCache
from newsroom.django_private import redis_client

# django-taggit 6.1.0 (the newest) on Django 6.1: a pending deprecation
# (RemovedInDjango2028Warning). Drop when a taggit release stops calling it.
THIRD_PARTY_DEPRECATIONS = [
    (r"SQLCompiler\.quote_name_unless_alias\(\) is deprecated", r"taggit\.managers"),
]


def process_key(key, key_prefix, version):
    """Make a cache key of this process's own (KEY_FUNCTION): parallel test
    workers share the Redis of REDIS_URL, and one worker's saves must not move
    the content version under another's test."""
    return f"{key_prefix}-{os.getpid()}:{version}:{key}"


class WorkerRedisCache(SharedClientRedisCache):
    """The site's Redis cache whose clear() deletes this process's keys only:
    Redis's FLUSHDB would empty the other workers' keys too."""

    def clear(self):
        client = redis_client(self)
        pattern = process_key("*", self.key_prefix, "*")
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


def per_process_caches(caches):
    """Return `caches` with the site's Redis cache keyed per process.

    Set before the parallel workers start, so they inherit it; the cache
    Django makes anew after a test that overrides CACHES has it too.
    """
    default = caches["default"]
    if default["BACKEND"].endswith("FileBasedCache"):
        # Development's cache in files would be shared by the workers: each
        # test process keeps one in memory instead.
        local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        return {**caches, "default": local}
    if default["BACKEND"] != "newsroom.cache.SharedClientRedisCache":
        return caches
    default = {
        **default,
        "BACKEND": "newsroom.test_runner.WorkerRedisCache",
        "KEY_FUNCTION": "newsroom.test_runner.process_key",
    }
    return {**caches, "default": default}


class NewsroomTestRunner(DiscoverRunner):
    """Django's runner, closing with a one-line summary CI tools can read."""

    result = None

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        # Tests that are about the page cache switch it on themselves; elsewhere
        # it would carry pages across tests whose database rolled back.
        settings.NEWSROOM_PAGE_CACHE = False
        settings.NEWSROOM_FRAGMENT_CACHE = False
        # Deprecations are errors (make test), except those of libraries that
        # have no release without them yet: each names the library's module.
        for message, module in THIRD_PARTY_DEPRECATIONS:
            warnings.filterwarnings("ignore", message, module=module)
        # Tests request 404s and 403s on purpose; their log lines are noise.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        # Tasks run at once in tests; their start and end lines are noise too.
        # So are django-axes' lockout warnings (tests lock accounts out).
        for name in ("django_tasks", "django.tasks", "newsroom.background", "axes"):
            logging.getLogger(name).setLevel(logging.ERROR)
        # Uploaded and generated images (demo content too) go to a folder of
        # their own, removed after the run, never to the project's media/.
        self.media_root = tempfile.mkdtemp(prefix="newsroom-test-media-")
        # Tasks run when they are enqueued, i.e. when the saving transaction
        # commits (captureOnCommitCallbacks(execute=True) in a TestCase). A Redis
        # cache keeps each process's keys apart (per_process_caches).
        self.media_settings = override_settings(
            MEDIA_ROOT=self.media_root,
            TASKS={"default": {"BACKEND": IMMEDIATE_BACKEND}},
            CACHES=per_process_caches(settings.CACHES),
        )
        self.media_settings.enable()

    def teardown_test_environment(self, **kwargs):
        self.media_settings.disable()
        shutil.rmtree(self.media_root, ignore_errors=True)
        super().teardown_test_environment(**kwargs)

    def run_suite(self, suite, **kwargs):
        self.result = super().run_suite(suite, **kwargs)
        return self.result

    def run_tests(self, *args, **kwargs):
        failures = super().run_tests(*args, **kwargs)
        if self.result is not None:
            result = self.result
            failed = len(result.failures) + len(result.errors)
            failed += len(result.unexpectedSuccesses)
            skipped = len(result.skipped)
            # From Python 3.12, skipped tests are not counted as run.
            run = result.testsRun - (skipped if sys.version_info < (3, 12) else 0)
            passed = max(run - failed, 0)
            print(f"\ntests: {passed} passed, {failed} failed, {skipped} skipped")
        return failures
