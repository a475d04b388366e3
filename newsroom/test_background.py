from datetime import timedelta

from django_tasks_db.models import DBTaskResult

from django.core.cache import cache
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from newsroom.background import (
    TaskResultStatus,
    periodic_tasks,
    retried_task,
    schedule_once,
    schedule_periodic_tasks,
)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@retried_task(attempts=2)
def fail_the_first_time(key):
    """Fail unless the cache says a try came before (a test task)."""
    if cache.add(key, "tried"):
        raise RuntimeError("the first try fails")
    return "done"


def run_worker():
    """Run every task that is due, as a worker would, then return."""
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


@override_settings(TASKS=DATABASE_QUEUE)
class DatabaseQueueTests(TransactionTestCase):
    """The real queue and worker (django-tasks-db), as production runs them."""

    def setUp(self):
        cache.clear()
        # The flaky task's runs (the worker also schedules periodic tasks).
        self.runs = DBTaskResult.objects.filter(
            task_path=fail_the_first_time.module_path
        )

    def test_a_failed_task_is_recorded_and_tried_again_later(self):
        fail_the_first_time.enqueue("retry-test")
        run_worker()
        first = self.runs.get(status=TaskResultStatus.FAILED)
        self.assertIn("the first try fails", first.traceback)
        again = self.runs.get(status=TaskResultStatus.READY)
        self.assertEqual(again.args_kwargs["kwargs"], {"attempt": 2})
        self.assertGreater(again.run_after, timezone.now())

        # Not due yet: the worker leaves it.
        run_worker()
        self.assertEqual(DBTaskResult.objects.get(pk=again.pk).status, "READY")
        DBTaskResult.objects.filter(pk=again.pk).update(run_after=timezone.now())
        run_worker()
        again.refresh_from_db()
        self.assertEqual(again.status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(again.return_value, "done")

    def test_a_task_that_keeps_failing_stops_after_its_attempts(self):
        fail_the_first_time.enqueue("always")
        run_worker()
        self.runs.update(run_after=timezone.now())
        cache.delete("always")  # so that the second try fails too
        run_worker()
        self.assertEqual(self.runs.filter(status=TaskResultStatus.FAILED).count(), 2)
        self.assertFalse(self.runs.filter(status=TaskResultStatus.READY).exists())

    def test_periodic_tasks_are_scheduled_once_however_many_workers_start(self):
        self.assertTrue(periodic_tasks, "the project declares periodic tasks")
        first = schedule_periodic_tasks()
        self.assertEqual(len(first), len(periodic_tasks))
        self.assertEqual(schedule_periodic_tasks(), [])  # a second worker starts
        for a_task in periodic_tasks:
            waiting = DBTaskResult.objects.filter(
                task_path=a_task.module_path, status=TaskResultStatus.READY
            )
            self.assertEqual(waiting.count(), 1)

    def test_a_periodic_run_schedules_the_next_one(self):
        from related.tasks import flush_view_counts

        schedule_periodic_tasks()
        run_worker()  # due at once: runs, and enqueues the next run
        runs = DBTaskResult.objects.filter(task_path=flush_view_counts.module_path)
        self.assertEqual(runs.filter(status=TaskResultStatus.SUCCESSFUL).count(), 1)
        following = runs.get(status=TaskResultStatus.READY)
        self.assertGreater(following.run_after, timezone.now() + timedelta(seconds=30))

    def test_a_run_being_run_counts_as_scheduled_until_it_looks_dead(self):
        from related.tasks import flush_view_counts

        result = schedule_once(flush_view_counts, after=0)
        self.assertIsNotNone(result)
        DBTaskResult.objects.update(
            status=TaskResultStatus.RUNNING, started_at=timezone.now()
        )
        self.assertIsNone(schedule_once(flush_view_counts, after=0))
        DBTaskResult.objects.update(started_at=timezone.now() - timedelta(hours=1))
        self.assertIsNotNone(schedule_once(flush_view_counts, after=0))
