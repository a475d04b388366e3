"""Keep stored related lists current: recompute after the saving transaction.

Handlers only note which articles changed; the work runs when the transaction
commits, after tags, bylines and picked links are saved, and once per article
even when several of its parts changed (only the last callback does the work).
"""

import logging
from functools import partial

from taggit.models import Tag

from django.db import transaction

from articles.models import Article
from articles.signals import deleted_with
from newsroom.pagecache import bump_content_version

logger = logging.getLogger(__name__)
_latest = {}  # article id -> token of the callback that should do the work


def _schedule(article_id):
    token = object()
    _latest[article_id] = token
    transaction.on_commit(partial(_refresh, article_id, token))


def _refresh(article_id, token):
    from .ranking import refresh_neighbours, refresh_related

    if _latest.get(article_id) is not token:
        return  # A later change of the same article will do it.
    _latest.pop(article_id, None)
    article = Article.objects.filter(
        pk=article_id, status=Article.Status.PUBLISHED
    ).first()
    if article is None:
        return
    try:
        refresh_related(article)
        refresh_neighbours(article)
    except Exception:
        # A stale related list must not fail an editor's save.
        logger.exception("Could not refresh related posts of %s", article_id)
    # Pages rendered while the lists were being stored must not stay cached.
    bump_content_version()


def article_saved(sender, instance, **kwargs):
    if getattr(instance, "link_changed", True):
        # Lists that hold it show its new headline, address or time (or
        # leave it out), in the same transaction.
        from .ranking import copy_related, linked_from

        copy_related(linked_from(instance))
    if instance.status == Article.Status.PUBLISHED:
        _schedule(instance.pk)


def article_deleting(sender, instance, **kwargs):
    from .ranking import linked_from

    instance.linked_from = linked_from(instance)


def article_deleted(sender, instance, **kwargs):
    from .ranking import copy_related

    copy_related(getattr(instance, "linked_from", []))


def article_tags_changed(sender, instance, origin=None, **kwargs):
    if deleted_with(origin, Tag):
        return  # tag_removed handles the tag's articles at once
    if instance.content_type.model_class() is Article:
        _schedule(instance.object_id)


def tag_removed(sender, instance, article_ids, **kwargs):
    # Computing thousands of lists now would hold the editor's request for
    # minutes: they are computed again when next shown.
    from .ranking import forget_related

    forget_related(article_ids)


def curated_link_changed(sender, instance, **kwargs):
    _schedule(instance.article_id)
