import logging
import shutil
import tempfile

from django.conf import settings
from django.core.cache import caches
from django.test import override_settings
from django.test import runner as django_runner
from django.test.runner import DiscoverRunner, ParallelTestSuite


def _init_worker(*args, **kwargs):
    """Set up a parallel test worker as Django does, then give its cache keys
    a prefix of their own: the workers share the Redis of REDIS_URL, and one
    worker's saves must not move the content version under another's test."""
    django_runner._init_worker(*args, **kwargs)
    cache = caches["default"]
    cache.key_prefix = f"{cache.key_prefix}-worker{django_runner._worker_id}"


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
