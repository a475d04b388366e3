from datetime import timedelta
from unittest import mock

from django_tasks_db.models import DBTaskResult

from django.core.cache import cache
from django.db import OperationalError
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.testing import make_article
from newsroom.background import schedule_periodic_tasks
from related.tasks import flush_view_counts, refresh_related_lists

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class LivenessTests(TestCase):
    def test_healthz_answers_ok_without_touching_database_or_cache(self):
        with (
            self.assertNumQueries(0),
            mock.patch.object(cache, "get", side_effect=AssertionError),
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-store", response["Cache-Control"])

    @override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["news.example.org"])
    def test_probes_over_plain_http_by_address_are_answered_not_redirected(self):
        for path in ("/healthz", "/readyz"):
            with self.subTest(path):
                response = self.client.get(path, HTTP_HOST="10.0.0.7:8000")
                self.assertIn(response.status_code, (200, 503))
                self.assertIn("status", response.json())


class ReadinessTests(TestCase):
    def ready(self):
        response = self.client.get("/readyz")
        self.assertIn("no-store", response["Cache-Control"])
        return response, response.json()["checks"]

    def test_readyz_is_200_with_every_check_when_all_is_well(self):
        response, checks = self.ready()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(
            set(checks),
            {
                "database",
                "cache",
                "storage",
                "task_queue",
                "periodic_tasks",
                "publications",
            },
        )
        self.assertTrue(all(check["ok"] for check in checks.values()))

    def test_database_down_is_503_and_skips_the_checks_that_need_it(self):
        with (
            mock.patch(
                "newsroom.health.connection.cursor",
                side_effect=OperationalError("connection refused"),
            ),
            self.assertLogs("newsroom.health", "WARNING") as logs,
        ):
            response, checks = self.ready()
        self.assertEqual(len(logs.records), 1)
        self.assertIsNone(logs.records[0].exc_info)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "unavailable")
        self.assertEqual(checks["database"]["error"], "OperationalError")
        self.assertFalse(checks["task_queue"]["ok"])
        self.assertTrue(checks["cache"]["ok"])

    def test_cache_down_is_503(self):
        with (
            mock.patch.object(cache, "set", side_effect=ConnectionError),
            self.assertLogs("newsroom.health", "WARNING"),
        ):
            response, checks = self.ready()
        self.assertEqual(response.status_code, 503)
        self.assertFalse(checks["cache"]["ok"])
        self.assertTrue(checks["database"]["ok"])

    def test_unwritable_media_folder_is_503(self):
        with mock.patch("newsroom.health.os.access", return_value=False):
            response, checks = self.ready()
        self.assertEqual(response.status_code, 503)
        self.assertFalse(checks["storage"]["ok"])

    @override_settings(NEWSROOM_PAGE_CACHE=True)
    def test_readyz_is_never_served_from_the_page_cache(self):
        self.ready()
        with (
            mock.patch.object(cache, "set", side_effect=ConnectionError),
            self.assertLogs("newsroom.health", "WARNING"),
        ):
            response, _ = self.ready()
        self.assertEqual(response.status_code, 503)
        self.assertNotIn("X-Page-Cache", response)

    def test_a_publication_without_its_related_list_after_five_minutes_is_503(self):
        # Saved in a test transaction that never commits: no task ran for it.
        article = make_article(age=timedelta(minutes=10))
        response, checks = self.ready()
        self.assertEqual(response.status_code, 503)
        self.assertFalse(checks["publications"]["ok"])
        self.assertEqual(checks["publications"]["overdue"], 1)
        refresh_related_lists.call(article.pk)
        response, checks = self.ready()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(checks["publications"]["overdue"], 0)

    def test_a_fresh_or_old_publication_is_not_overdue(self):
        make_article(age=timedelta(minutes=1))
        make_article(age=timedelta(days=3))
        response, checks = self.ready()
        self.assertEqual(checks["publications"]["overdue"], 0)
        self.assertEqual(response.status_code, 200)


@override_settings(TASKS=DATABASE_QUEUE, NEWSROOM_READY_MAX_TASK_WAIT=120)
class TaskQueueReadinessTests(TestCase):
    def ready(self):
        response = self.client.get("/readyz")
        return response, response.json()["checks"]

    def test_no_worker_ever_started_is_503(self):
        response, checks = self.ready()
        self.assertEqual(response.status_code, 503)
        flush = checks["periodic_tasks"]["tasks"][flush_view_counts.module_path]
        self.assertEqual(flush["last_run_seconds_ago"], None)
        self.assertFalse(flush["ok"])

    def test_worker_keeping_up_is_200(self):
        schedule_periodic_tasks()  # what a starting worker does
        response, checks = self.ready()
        self.assertEqual(response.status_code, 200, checks)
        self.assertEqual(checks["task_queue"]["oldest_waiting_seconds"], 0)

    def test_a_task_waiting_longer_than_the_limit_is_503(self):
        schedule_periodic_tasks()
        result = refresh_related_lists.enqueue(1)
        DBTaskResult.objects.filter(pk=result.id).update(
            enqueued_at=timezone.now() - timedelta(minutes=3)
        )
        response, checks = self.ready()
        self.assertEqual(response.status_code, 503)
        self.assertGreaterEqual(checks["task_queue"]["oldest_waiting_seconds"], 180)
        self.assertTrue(checks["periodic_tasks"]["ok"])

    def test_a_periodic_run_overdue_past_the_limit_is_503(self):
        schedule_periodic_tasks()
        long_ago = timezone.now() - timedelta(minutes=10)
        DBTaskResult.objects.update(enqueued_at=long_ago, run_after=long_ago)
        response, checks = self.ready()
        self.assertEqual(response.status_code, 503)
        self.assertFalse(checks["periodic_tasks"]["ok"])
        self.assertFalse(checks["task_queue"]["ok"])
