"""Background tasks on Django's Tasks API, and the few rules every task follows.

Django 6 has the API built in (`django.tasks`); on Django 5.2 the django-tasks
backport provides it under `django_tasks`. Apps import `task` and friends from
here, so that the same code runs on both. The queue is django-tasks-db's
table in the site's own database: `manage.py run_worker` processes, on any
number of machines, take tasks from it.

Rules:
- A task is idempotent: running it twice leaves what running it once does
  (tasks recompute derived data from the rows they are given ids of).
- Tasks are enqueued when the editor's transaction commits
  (`enqueue_on_commit`), never before: a worker must see what they are about.
- A task that raises is recorded as failed, with its traceback, in the admin
  (Django tasks > Task results), and is enqueued again, a little later,
  until it has been tried `attempts` times (`retried_task`).
"""

import functools
import hashlib
import logging
from datetime import timedelta

from django.db import connections, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

try:  # Django 6 and newer
    from django.tasks import (
        DEFAULT_TASK_BACKEND_ALIAS,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django.tasks.exceptions import TaskResultDoesNotExist

    TASKS_PACKAGE = "django.tasks"
except ImportError:  # Django 5.2: the backport
    from django_tasks import (
        DEFAULT_TASK_BACKEND_ALIAS,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django_tasks.exceptions import TaskResultDoesNotExist

    TASKS_PACKAGE = "django_tasks"

# Backends for tests: run each task when it is enqueued, or only record it.
IMMEDIATE_BACKEND = f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
DUMMY_BACKEND = f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"

__all__ = [
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "default_task_backend",
    "enqueue_on_commit",
    "periodic_task",
    "retried_task",
    "schedule_once",
    "schedule_periodic_tasks",
    "stalled_task_count",
    "task",
]

logger = logging.getLogger(__name__)

RETRY_DELAY = timedelta(seconds=30)


def enqueue_on_commit(a_task, *args, **kwargs):
    """Enqueue `a_task` when the current transaction commits (now, outside one)."""
    transaction.on_commit(functools.partial(a_task.enqueue, *args, **kwargs))


def retried_task(*, attempts=3, delay=RETRY_DELAY, **options):
    """Declare a task that is tried again, later, when it fails.

    The task takes an extra `attempt` keyword (1 for the first try). When it
    raises and tries are left, it is enqueued again with `attempt + 1`,
    `delay * attempt` later where the backend can defer; the failure is
    still raised, so that the queue records it with its traceback.
    """

    def decorate(function):
        @functools.wraps(function)
        def try_once(*args, attempt=1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                name = function.__qualname__
                if attempt >= attempts:
                    logger.exception("Task %s failed %d times", name, attempts)
                    raise
                logger.warning("Task %s failed (try %d of %d)", name, attempt, attempts)
                again = a_task
                if again.get_backend().supports_defer:
                    again = again.using(run_after=timezone.now() + delay * attempt)
                again.enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        a_task = task(**options)(try_once)
        return a_task

    return decorate


# Periodic tasks: each waits in the queue as one deferred run; the run
# enqueues the next. Workers start the chains (manage.py run_worker), and a
# lock makes sure that one run waits, however many workers start at once.
periodic_tasks = {}  # task -> function returning its interval in seconds


def periodic_task(*, every, **options):
    """Declare a task that runs every `every()` seconds, on one worker.

    `every` is called each time (it usually reads a setting). The task is
    also retried on failure (see `retried_task`).
    """

    def decorate(function):
        @functools.wraps(function)
        def run_then_schedule(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            finally:
                schedule_once(a_task, after=every(), running=False)

        a_task = retried_task(**options)(run_then_schedule)
        periodic_tasks[a_task] = every
        return a_task

    return decorate


def schedule_periodic_tasks():
    """Make sure each periodic task has a run waiting (or running)."""
    autodiscover_modules("tasks")
    return [a_task for a_task in periodic_tasks if schedule_once(a_task, after=0)]


# A run that started longer ago than this is taken for a dead worker's.
STALE_RUN = timedelta(minutes=15)


def schedule_once(a_task, *, after, running=True):
    """Enqueue `a_task` to run in `after` seconds unless a run of it waits
    already (or, with `running`, is being run). Return the result, or None.

    Only a queue in the database (django-tasks-db) can tell what waits; with
    another backend (tests run tasks at once) a run due now is enqueued, a
    later one is not.
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = a_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return a_task.enqueue() if after <= 0 else None
    runs = DBTaskResult.objects.filter(
        backend_name=backend.alias, task_path=a_task.module_path
    )
    database = runs.db
    with transaction.atomic(using=database):
        _lock(database, a_task.module_path)
        waiting = Q(status=TaskResultStatus.READY)
        if running:
            waiting |= Q(
                status=TaskResultStatus.RUNNING,
                started_at__gt=timezone.now() - STALE_RUN,
            )
        if runs.filter(waiting).exists():
            return None
        return a_task.using(
            run_after=timezone.now() + timedelta(seconds=after)
        ).enqueue()


def _lock(database, name):
    """Hold a lock named `name` until the transaction ends (PostgreSQL); on
    SQLite the first write of a transaction locks the whole database."""
    connection = connections[database]
    if connection.vendor == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(name.encode()).digest()[:8], "big", signed=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


# Tasks due for longer than this mean that no worker takes them.
STALLED_AFTER = timedelta(minutes=5)


def stalled_task_count():
    """Return how many tasks have been due for over STALLED_AFTER: more than
    none means no worker is running (or they cannot keep up). 0 for a
    backend that runs tasks at once."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return 0
    return DBTaskResult.objects.filter(
        backend_name=backend.alias,
        status=TaskResultStatus.READY,
        run_after__lt=timezone.now() - STALLED_AFTER,
    ).count()


def _database_queue():
    """Return the queue's results table for the default backend, or None if
    tasks run in the process that enqueues them (no queue to watch)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(backend_name=backend.alias)


def oldest_due_task_wait():
    """Return how many seconds the oldest due task has waited for a worker
    (0 when none waits), or None without a database queue."""
    from django_tasks_db.models import get_date_max

    runs = _database_queue()
    if runs is None:
        return None
    now = timezone.now()
    # A task enqueued without `run_after` is due from its enqueue time.
    due = runs.filter(status=TaskResultStatus.READY).aggregate(
        deferred=Min("run_after", filter=Q(run_after__lte=now)),
        undeferred=Min("enqueued_at", filter=Q(run_after=get_date_max())),
    )
    oldest = min((when for when in due.values() if when is not None), default=now)
    return max((now - oldest).total_seconds(), 0.0)


def periodic_task_runs():
    """Return {periodic task path: (when it last ran or None, its interval in
    seconds)}, or None without a database queue.

    A periodic run enqueues its successor as it ends, so the waiting run's
    enqueue time is when the task last ran; one being run counts as running
    now. None: no run waits or runs, so no worker ever started the chain.
    """
    runs = _database_queue()
    if runs is None:
        return None
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered.append(True)
    intervals = {
        a_task.module_path: every() for a_task, every in periodic_tasks.items()
    }
    last_runs = dict(
        runs.filter(status=TaskResultStatus.READY, task_path__in=intervals)
        .values("task_path")
        .annotate(enqueued=Max("enqueued_at"))
        .values_list("task_path", "enqueued")
    )
    if len(last_runs) < len(intervals):
        # Rare (only while a run is under way): no index serves this one.
        now = timezone.now()
        running = runs.filter(
            status=TaskResultStatus.RUNNING,
            task_path__in=set(intervals) - set(last_runs),
            started_at__gt=now - STALE_RUN,
        )
        last_runs.update(
            (path, now) for path in running.values_list("task_path", flat=True)
        )
    return {path: (last_runs.get(path), every) for path, every in intervals.items()}


_discovered = []
