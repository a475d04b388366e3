"""Ranking rules for the Related posts and Popular posts widgets."""

import math
from collections import defaultdict
from datetime import timedelta

from taggit.models import TaggedItem

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article


def related_articles(article, *, limit=5):
    """Return up to `limit` live articles related to `article`.

    Hand-picked links come first, in the editor's order. The rest are ranked by
    shared tags (a rare tag weighs more than a common one), then by being in the
    same section, then by recency. The article itself is never included.
    """
    live = Article.objects.live().exclude(pk=article.pk)
    picked = list(
        live.filter(curated_backlinks__article=article)
        .select_related("section")
        .order_by("curated_backlinks__position", "curated_backlinks__pk")[:limit]
    )
    wanted = limit - len(picked)
    if wanted <= 0:
        return picked
    excluded = {article.pk, *(a.pk for a in picked)}

    tag_scores = _shared_tag_scores(article)
    same_section = (
        live.filter(section_id=article.section_id)
        .exclude(pk__in=excluded)
        .order_by("-publish_at", "-pk")[:wanted]
    )
    candidate_ids = set(tag_scores) | set(same_section.values_list("pk", flat=True))
    candidate_ids -= excluded
    if not candidate_ids:
        return picked

    candidates = live.filter(pk__in=candidate_ids).values_list(
        "pk", "section_id", "publish_at"
    )
    ranked = sorted(
        candidates,
        key=lambda row: (
            tag_scores.get(row[0], 0.0),
            row[1] == article.section_id,
            row[2],
            row[0],
        ),
        reverse=True,
    )
    chosen = [pk for pk, _, _ in ranked[:wanted]]
    by_pk = live.select_related("section").in_bulk(chosen)
    return picked + [by_pk[pk] for pk in chosen if pk in by_pk]


def _shared_tag_scores(article):
    """Map live article ids to the summed rarity weight of tags they share."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return {}
    rows = TaggedItem.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        tag_id__in=tag_ids,
        object_id__in=Article.objects.live().values("pk"),
    ).values_list("object_id", "tag_id")
    articles_by_tag = defaultdict(set)
    for object_id, tag_id in rows:
        articles_by_tag[tag_id].add(object_id)
    live_count = Article.objects.live().count()
    scores = defaultdict(float)
    for tag_articles in articles_by_tag.values():
        # Inverse document frequency: a tag on few articles says more.
        weight = math.log((live_count + 1) / len(tag_articles)) + 1
        for object_id in tag_articles:
            if object_id != article.pk:
                scores[object_id] += weight
    return scores


def popular_articles(*, limit=5, days=None, now=None):
    """Return the most-read live articles of the last `days` days, most read first."""
    days = days or settings.NEWSROOM_POPULAR_DAYS
    today = timezone.localdate(now)
    since = today - timedelta(days=days - 1)
    return (
        Article.objects.live()
        .filter(daily_views__day__gte=since, daily_views__day__lte=today)
        .annotate(recent_views=Sum("daily_views__views"))
        .filter(recent_views__gt=0)
        .select_related("section")
        .order_by("-recent_views", "-publish_at", "-pk")[:limit]
    )


def compute_popular_ids(*, limit=20):
    """Return the ids of the most-read live articles, for the stored ranking."""
    return list(popular_articles(limit=limit).values_list("pk", flat=True))


def stored_popular_articles(*, limit=5):
    """Return the most-read live articles from the stored ranking, in one query.

    The ranking is refreshed when reads are flushed; `live()` still applies, so
    an article taken off the site leaves the widget at once.
    """
    from .counting import popular_ids

    ids = popular_ids()
    by_pk = Article.objects.live().select_related("section").in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk][:limit]
