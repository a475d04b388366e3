"""Bulk jobs: derived data computed once at the end, not once per row.

Receivers keep derived data in step with every saved row: related lists
(queued as tasks), the reader's copies of an article page, the renditions of
a saved picture (queued as a task), the page cache's content version. A job
that saves thousands of rows, such as an archive import, would have them do
that work, or queue it, thousands of times for data it can compute once.

Inside `bulk_job()` those receivers (wrapped in `skipped_in_bulk_job` where
their app connects them, or asking `in_bulk_job()`) do nothing, in this
thread only: requests served meanwhile by other threads and processes are
unaffected. The job must then compute what they skipped, in bulk, for every
row it changed (wordpress/derived.py does it for an import), as Wagtail's
`disable_reference_index_auto_update()` (wagtail `signal_handlers.py`)
leaves its reference index to the caller.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

_in_bulk_job = ContextVar("in_bulk_job", default=False)


@contextmanager
def bulk_job():
    """Run the block as a bulk job: the receivers that keep derived data
    skip their work, which the job computes afterwards."""
    token = _in_bulk_job.set(True)
    try:
        yield
    finally:
        _in_bulk_job.reset(token)


def in_bulk_job():
    """Return True inside `bulk_job()`."""
    return _in_bulk_job.get()


def skipped_in_bulk_job(receiver):
    """Return the receiver, doing nothing inside `bulk_job()`. Connect the
    result with weak=False: nothing else refers to it."""

    @functools.wraps(receiver)
    def receive(*args, **kwargs):
        if _in_bulk_job.get():
            return None
        return receiver(*args, **kwargs)

    return receive
