import logging
import shutil
import tempfile

from django.conf import settings
from django.core.signals import setting_changed
from django.test import override_settings
from django.test import runner as django_runner
from django.test.runner import DiscoverRunner, ParallelTestSuite

from newsroom.cache import SharedClientRedisCache


def _init_worker(*args, **kwargs):
    """Set up a parallel test worker as Django does, then give its cache keys
    a prefix of their own: the workers share the Redis of REDIS_URL, and one
    worker's saves must not move the content version under another's test.

    The prefix goes into the settings, so that the cache Django makes anew
    after a test that overrides CACHES has it too.
    """
    django_runner._init_worker(*args, **kwargs)
    default = settings.CACHES["default"]
    default["KEY_PREFIX"] = (
        f"{default.get('KEY_PREFIX', '')}-worker{django_runner._worker_id}"
    )
    if default["BACKEND"] == "newsroom.cache.SharedClientRedisCache":
        default["BACKEND"] = "newsroom.test_runner.WorkerRedisCache"
    setting_changed.send(
        sender=settings._wrapped.__class__,
        setting="CACHES",
        value=settings.CACHES,
        enter=True,
    )


class WorkerRedisCache(SharedClientRedisCache):
    """The site's Redis cache whose clear() deletes its own keys only:
    Redis's FLUSHDB would empty the other workers' keys too."""

    def clear(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


class NewsroomParallelTestSuite(ParallelTestSuite):
    init_worker = _init_worker


class NewsroomTestRunner(DiscoverRunner):
    """Django's runner, closing with a one-line summary CI tools can read."""

    parallel_test_suite = NewsroomParallelTestSuite
    result = None

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        # Tests that are about the page cache switch it on themselves; elsewhere
        # it would carry pages across tests whose database rolled back.
        settings.NEWSROOM_PAGE_CACHE = False
        settings.NEWSROOM_FRAGMENT_CACHE = False
        # Tests request 404s and 403s on purpose; their log lines are noise.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        # Uploaded and generated images (demo content too) go to a folder of
        # their own, removed after the run, never to the project's media/.
        self.media_root = tempfile.mkdtemp(prefix="newsroom-test-media-")
        self.media_settings = override_settings(MEDIA_ROOT=self.media_root)
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
            passed = max(result.testsRun - failed - skipped, 0)
            print(f"\ntests: {passed} passed, {failed} failed, {skipped} skipped")
        return failures
