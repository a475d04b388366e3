"""Stored related lists as readers get them, and lists never computed.

`related_articles()` reads an article's stored list; a list that was never
computed is left to a task (`compute_later`), never computed in a reader's
request. Ranking itself is in ranking.py, the tasks in tasks.py.
"""

from articles.models import LINK_COLUMNS, Article
from newsroom.background import schedule_once

from .models import ArticleVector, RelatedArticle
from .tasks import refresh_related_lists, reindex_related


def related_articles(article, *, limit=5):
    """Return up to `limit` live articles related to `article`, in one query.

    The list is computed by a task when articles are saved (see
    related/tasks.py); a reader's request only reads it. For an article
    whose list was never computed (e.g. imported in bulk) a task is
    enqueued (`compute_later`), and the list is empty until it has run.
    """
    # The whole stored list (it is short), sifted here: a condition on the
    # targets' status would cost more to build than the rows it saves.
    entries = list(
        RelatedArticle.objects.filter(article=article)
        .select_related("target__section")
        .only("target", *(f"target__{column}" for column in LINK_COLUMNS))
        .order_by("position")
    )
    if not any(entry.target_id == article.pk for entry in entries):
        # Never computed (the sentinel is missing). Computing it here would
        # hold the reader, and rank against a partial index after a bulk
        # insert: a task does it (at once, where tasks run immediately).
        if compute_later(article.pk) and _is_computed(article):
            return related_articles(article, limit=limit)
        return []
    return [
        entry.target
        for entry in entries
        if entry.target_id != article.pk and entry.target.is_live()
    ][:limit]


def _is_computed(article):
    return RelatedArticle.objects.filter(article=article, target=article).exists()


def is_index_complete():
    """Return True if every live or scheduled article has its text vector:
    lists ranked now see the whole archive."""
    return ArticleVector.objects.count() >= Article.objects.may_become_live().count()


def compute_later(article_id):
    """Enqueue the computation of a list that was never computed; if the
    text index is incomplete (see `is_index_complete`), of the whole
    archive's instead, once. Return True if a task was enqueued."""
    if is_index_complete():
        refresh_related_lists.enqueue(article_id)
        return True
    return schedule_once(reindex_related, after=0) is not None
