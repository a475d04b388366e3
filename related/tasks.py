"""Related posts' derived work, run by task workers off the editor's request.

Each task recomputes from the rows it is given ids of, so running it twice
does what running it once does; a failed one is tried again (see
newsroom.background). When lists are stored, `related_list_stored` is sent
(related/signals.py): the reader's side copies them and moves on.
"""

import logging

from django.conf import settings

from articles.models import Article
from newsroom.background import periodic_task, retried_task

from . import counting, ranking
from .events import related_list_stored

logger = logging.getLogger(__name__)

# Lists computed per task when many articles need theirs at once (a deleted
# tag, a bulk action): short enough that one task stays well under a minute.
ARTICLES_PER_TASK = 50


@retried_task()
def refresh_related_lists(article_id):
    """Store the related list of a live or scheduled article and of its neighbours
    (the articles whose lists it should join)."""
    article = Article.objects.may_become_live().filter(pk=article_id).first()
    if article is None:
        return 0
    ranking.refresh_related(article)
    neighbours = ranking.refresh_neighbours(article)
    related_list_stored.send(sender=Article, article_ids=[article.pk, *neighbours])
    return 1 + len(neighbours)


@retried_task()
def refresh_related_of(article_ids):
    """Store the related lists of these live or scheduled articles (no neighbours)."""
    articles = Article.objects.may_become_live().filter(pk__in=article_ids)
    stored = []
    for article in articles:
        ranking.refresh_related(article)
        stored.append(article.pk)
    related_list_stored.send(sender=Article, article_ids=stored)
    return len(stored)


def enqueue_related_of(article_ids):
    """Have the lists of many articles computed, in tasks of a bounded size."""
    ids = sorted(set(article_ids))
    for start in range(0, len(ids), ARTICLES_PER_TASK):
        refresh_related_of.enqueue(ids[start : start + ARTICLES_PER_TASK])


@retried_task()
def reindex_related():
    """Recompute every vector and related list from the whole archive, e.g.
    after a bulk import (see ranking.reindex_all)."""
    total = ranking.reindex_all()
    related_list_stored.send(sender=Article, article_ids=None)
    return total


@periodic_task(every=lambda: settings.NEWSROOM_VIEW_FLUSH_SECONDS, attempts=2)
def flush_view_counts():
    """Move buffered reads into daily counts and store the Popular ranking."""
    return counting.flush()
