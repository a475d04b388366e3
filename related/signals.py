"""Keep stored related lists current, off the editor's request.

Receivers of the articles' domain events (articles/events.py) and of tag and
link changes only note which lists must be computed again; the work is a
task (related/tasks.py), enqueued when the saving transaction commits,
after tags, bylines and picked links are saved, and once per article even
when several of its parts changed; a transaction that rolls back enqueues
nothing. Until the task has run, readers see the list stored before.

What readers may see never waits for a task: when an article's headline,
address, status or time changes, the copies of the lists that hold it are
rewritten in the same transaction (`copy_related`).
"""

import threading
from functools import partial

from taggit.models import Tag

from django.db import transaction

from articles.models import LINK_FIELDS, Article
from articles.signals import deleted_with
from newsroom.django_private import commit_callbacks, commit_callbacks_version

from .ranking import copy_related, linked_from
from .tasks import enqueue_related_of, refresh_related_lists

# What the ranking reads from an article: a change to one of these moves
# the article's place in other lists and theirs in its own.
RANKED_FIELDS = frozenset(
    {"headline", "standfirst", "body_text", "section_id", "status", "publish_at"}
)

# Articles changed in the current transaction, per thread (one database
# connection each); enqueued by one callback when the transaction commits.
_changed = threading.local()

# Up to this many changed articles in one transaction, each gets its own
# list and its neighbours' computed; beyond (a bulk action), only their own,
# in batches: 500 articles times 21 lists would keep workers busy for long.
WITH_NEIGHBOURS_UP_TO = 10


def schedule_refresh(article_id):
    """Have the article's list (and its neighbours') computed after commit."""
    if not transaction.get_connection().in_atomic_block:
        _enqueue({article_id})
        return
    batch = getattr(_changed, "batch", None)
    if batch is None or not _batch_is_waiting(batch):
        # The first change in this transaction (the batch of one that
        # rolled back went with it).
        batch = _changed.batch = set()
    batch.add(article_id)
    # The first of the batch's callbacks to run enqueues all of it.
    transaction.on_commit(partial(_enqueue_batch, batch))
    _changed.callbacks_version = commit_callbacks_version()


def _batch_is_waiting(batch):
    """Return True if the batch's callback still waits for the commit: no
    callback was dropped since the last look (cheap), or it is found."""
    if getattr(_changed, "callbacks_version", None) is commit_callbacks_version():
        return True
    return any(
        getattr(waiting, "args", None) == (batch,) for waiting in commit_callbacks()
    )


def _enqueue_batch(batch):
    ids = set(batch)
    batch.clear()
    if ids:
        _enqueue(ids)


def _enqueue(ids):
    # Drafts have no list (a tag added to one changed nothing readers see).
    ids = set(
        Article.objects.may_become_live()
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    if len(ids) > WITH_NEIGHBOURS_UP_TO:
        enqueue_related_of(ids)
        return
    for article_id in sorted(ids):
        refresh_related_lists.enqueue(article_id)


def _refresh_many_on_commit(article_ids):
    if article_ids:
        transaction.on_commit(partial(enqueue_related_of, list(article_ids)))


def article_published(sender, article, fields, **kwargs):
    if fields & set(LINK_FIELDS):
        _copy_lists_holding(article)
    if fields & RANKED_FIELDS:
        schedule_refresh(article.pk)


def article_unpublished(sender, article, **kwargs):
    # Lists that hold it drop it now, and get a replacement from a task.
    _refresh_many_on_commit(_copy_lists_holding(article))


def article_deleted(sender, article, **kwargs):
    _refresh_many_on_commit(_copy_lists_holding(article, leaving=True))


def _copy_lists_holding(article, *, leaving=False):
    holders = linked_from(article)
    copy_related(holders, without=article.pk if leaving else None)
    return holders


def article_tags_changed(sender, instance, origin=None, **kwargs):
    if deleted_with(origin, Tag):
        return  # tag_removed handles the tag's articles at once
    if instance.content_type.model_class() is Article:
        schedule_refresh(instance.object_id)


def tag_removed(sender, instance, article_ids, **kwargs):
    # Thousands of lists may hold the tag: computed by tasks, in batches.
    _refresh_many_on_commit(article_ids)


def curated_link_changed(sender, instance, **kwargs):
    schedule_refresh(instance.article_id)
