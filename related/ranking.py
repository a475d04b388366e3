"""Ranking rules for the Related posts and Popular posts widgets."""

import heapq
import math
from collections import defaultdict
from datetime import timedelta

from taggit.models import TaggedItem

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, FloatField, Sum, Value, When
from django.utils import timezone

from articles.models import Article

from . import text
from .events import related_list_stored
from .models import ArticleTerm, ArticleVector, RelatedArticle, TermDocumentCount

STORED_SIZE = 10  # entries kept per article; the widget shows five
TEXT_CANDIDATES = 100
TAG_CANDIDATES = 2000
SECTION_CANDIDATES = 20


SENTINEL_POSITION = 32767  # a self-entry marking a computed (maybe empty) list
BATCH = 1000  # articles per query when many lists change at once
# Whole-archive passes: articles per term whose text candidates are looked
# at (see ArchiveIndex), and lists stored per transaction.
CHAMPIONS = 500
TERM_LENGTH = ArticleTerm._meta.get_field("term").max_length  # longer ones cut
LISTS_PER_TRANSACTION = 200


def copy_related(article_ids, *, without=None):
    """Announce that what these articles' stored related lists show has
    changed (`related_list_stored`), so that the copies kept for pages are
    rewritten now, in the same transaction.

    Called whenever a list is stored, and for every list that holds an
    article whose headline, address, status or time changes (`without`: an
    article about to be deleted, which the copies leave out).
    """
    article_ids = sorted(set(article_ids))
    if article_ids:
        related_list_stored.send(
            sender=RelatedArticle, article_ids=article_ids, without=without
        )


def linked_from(article):
    """Return the ids of articles whose stored related lists hold `article`."""
    return list(
        RelatedArticle.objects.filter(target=article)
        .exclude(article=article)
        .values_list("article_id", flat=True)
    )


def rank_related(article, *, limit=STORED_SIZE, archive=None):
    """Return [(article id, score, picked)] of the best related articles.

    Hand-picked links come first, in the editor's order. The rest are ranked
    by shared tags (a rare tag weighs more than a common one), then by text
    similarity (TF-IDF cosine of headline, standfirst and body, which carries
    the ranking where tags are few or missing), then by being in the same
    section, then by recency. Never the article itself, never a draft.

    `archive` (an ArchiveIndex) has the vectors, text candidates and
    candidates' rows in memory, for a pass over the whole archive; without
    it, queries read them.
    """
    # Scheduled articles are candidates too: readers only see entries that
    # are live, so a scheduled one appears in lists at its publish second.
    published = Article.objects.may_become_live().exclude(pk=article.pk)
    picked = list(
        published.filter(curated_backlinks__article=article)
        .order_by("curated_backlinks__position", "curated_backlinks__pk")
        .values_list("pk", flat=True)[:limit]
    )
    wanted = limit - len(picked)
    if wanted <= 0:
        return [(pk, 0.0, True) for pk in picked]
    if archive is None:
        tag_scores = _shared_tag_scores(article)
        own_vector = _vector_of(article)
        text_ids = _text_candidates(article, own_vector)
    else:
        tag_scores = _shared_tag_scores(article, live_total=archive.live_total)
        own_vector = archive.vectors.get(article.pk, {})
        text_ids = archive.text_candidates(article.pk, own_vector)
    section_ids = (
        published.filter(section_id=article.section_id)
        .order_by("-publish_at", "-pk")
        .values_list("pk", flat=True)[:SECTION_CANDIDATES]
    )
    candidate_ids = (set(tag_scores) | set(text_ids) | set(section_ids)) - {
        article.pk,
        *picked,
    }
    if archive is None:
        rows = published.filter(pk__in=candidate_ids).values_list(
            "pk", "section_id", "publish_at", "text_vector__weights"
        )
    else:
        rows = archive.rows(candidate_ids)
    scored = []
    for pk, section_id, published, weights in rows:
        similarity = text.cosine(own_vector, weights or {})
        scored.append(
            (
                round(tag_scores.get(pk, 0.0), 6),
                round(similarity, 6),
                section_id == article.section_id,
                published,
                pk,
            )
        )
    scored.sort(reverse=True)
    automatic = [(row[-1], row[0] + row[1], False) for row in scored[:wanted]]
    return [(pk, 0.0, True) for pk in picked] + automatic


def refresh_related(article):
    """Compute and store the article's related list (and its text vector)."""
    index_article(article)
    ranked = rank_related(article)
    _store_list(article, ranked)
    return ranked


def _store_list(article, ranked):
    with transaction.atomic():
        RelatedArticle.objects.filter(article=article).delete()
        RelatedArticle.objects.bulk_create(
            [
                *(
                    RelatedArticle(
                        article=article,
                        target_id=pk,
                        position=n,
                        score=score,
                        picked=picked,
                    )
                    for n, (pk, score, picked) in enumerate(ranked)
                ),
                RelatedArticle(
                    article=article, target=article, position=SENTINEL_POSITION
                ),
            ]
        )
        copy_related([article.pk])


def refresh_neighbours(article, *, count=20):
    """Refresh the lists of the articles a newly changed one should join;
    return their ids."""
    neighbours = [pk for pk, _, _ in rank_related(article, limit=count)]
    refreshed = []
    for neighbour in Article.objects.filter(pk__in=neighbours):
        refresh_related(neighbour)
        refreshed.append(neighbour.pk)
    return refreshed


def index_article(article):
    """Store the article's TF-IDF vector and its most distinctive terms."""
    counts = text.term_counts(
        {
            "headline": article.headline,
            "standfirst": article.standfirst,
            "body_text": article.body_text,
        }
    )
    with transaction.atomic():
        row, created = ArticleVector.objects.select_for_update().get_or_create(
            article=article
        )
        new_terms = set(counts)
        if created:
            # Document frequencies count an article's terms once, when it is
            # first indexed. The stored vector keeps only its strongest
            # terms, so an edit cannot tell which of its other terms it
            # added or dropped; counting them again on every save made the
            # frequencies drift upwards. Edits leave them as they are
            # (`reindex_all` counts the whole archive afresh).
            _adjust_document_counts(new_terms, +1)
        frequency = dict(
            TermDocumentCount.objects.filter(term__in=new_terms).values_list(
                "term", "documents"
            )
        )
        total = ArticleVector.objects.count()
        row.weights = text.vector(counts, frequency, total)
        row.save(update_fields=["weights"])
        ArticleTerm.objects.filter(article=article).delete()
        strongest = text.strongest_terms(row.weights)
        ArticleTerm.objects.bulk_create(
            ArticleTerm(article=article, term=term[:TERM_LENGTH], weight=weight)
            for term, weight in strongest
        )
    return row


def _adjust_document_counts(terms, delta):
    terms = [term[:64] for term in terms]
    if not terms:
        return
    if delta > 0:
        TermDocumentCount.objects.bulk_create(
            [TermDocumentCount(term=term) for term in terms], ignore_conflicts=True
        )
    TermDocumentCount.objects.filter(term__in=terms).update(
        documents=F("documents") + delta
    )


def _vector_of(article):
    row = ArticleVector.objects.filter(article=article).first()
    return row.weights if row else {}


def _text_candidates(article, own_vector):
    """Return ids of articles sharing the article's most distinctive terms."""
    strongest = [
        (term[:TERM_LENGTH], weight)
        for term, weight in text.strongest_terms(own_vector)
    ]
    if not strongest:
        return []
    overlap = Sum(
        Case(
            *[When(term=term, then=Value(weight)) for term, weight in strongest],
            default=Value(0.0),
            output_field=FloatField(),
        )
        * F("weight")
    )
    return list(
        ArticleTerm.objects.filter(term__in=[term for term, _ in strongest])
        .exclude(article=article)
        .values("article")
        .annotate(overlap=overlap)
        .order_by("-overlap")
        .values_list("article", flat=True)[:TEXT_CANDIDATES]
    )


class ArchiveIndex:
    """What ranking reads of every live or scheduled article, in memory,
    for a pass over the whole archive (`reindex_all`): their vectors, section
    and time, the number of live articles, and their most distinctive terms.

    For text candidates each term keeps its CHAMPIONS articles of highest
    weight (the "champion lists" of Manning, Raghavan and Schütze,
    Introduction to Information Retrieval, 7.1.3): the candidates are those
    sharing the article's strongest terms, by the same overlap as
    `_text_candidates`, which a term found in every article would otherwise
    make a scan of the whole index for each. Exact while no term is among
    more than CHAMPIONS articles' strongest.
    """

    def __init__(self, articles, vectors, index_terms):
        self.articles = {
            pk: (section_id, publish_at)
            for pk, section_id, publish_at in articles.values_list(
                "pk", "section_id", "publish_at"
            )
        }
        self.live_total = max(Article.objects.live().count(), 1)
        self.vectors = {row.article_id: row.weights for row in vectors}
        postings = defaultdict(list)
        for row in index_terms:
            postings[row.term].append((row.weight, row.article_id))
        self.champions = {
            term: [(pk, weight) for weight, pk in heapq.nlargest(CHAMPIONS, rows)]
            for term, rows in postings.items()
        }

    def rows(self, article_ids):
        """Return (id, section id, publish time, vector) of these articles
        that are live or scheduled."""
        return [
            (pk, *self.articles[pk], self.vectors.get(pk))
            for pk in article_ids
            if pk in self.articles
        ]

    def text_candidates(self, article_id, own_vector):
        """Return ids of articles sharing the article's most distinctive
        terms, most overlap first."""
        overlap = defaultdict(float)
        for term, weight in text.strongest_terms(own_vector):
            for pk, other_weight in self.champions.get(term[:TERM_LENGTH], ()):
                overlap[pk] += weight * other_weight
        overlap.pop(article_id, None)
        return heapq.nlargest(TEXT_CANDIDATES, overlap, key=overlap.__getitem__)


def _shared_tag_scores(article, *, live_total=None):
    """Map article ids to the summed rarity weight of the tags they share
    (`live_total`: the number of live articles, if known)."""
    tag_ids = list(article.tags.values_list("pk", flat=True))
    if not tag_ids:
        return {}
    tagged = TaggedItem.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        tag_id__in=tag_ids,
    )
    documents = dict(
        tagged.values("tag_id").annotate(n=Count("pk")).values_list("tag_id", "n")
    )
    total = live_total or max(Article.objects.live().count(), 1)
    # Bounded: the newest articles sharing a tag are the candidates.
    rows = tagged.exclude(object_id=article.pk).order_by("-object_id")
    scores = defaultdict(float)
    for object_id, tag_id in rows.values_list("object_id", "tag_id")[:TAG_CANDIDATES]:
        # Inverse document frequency: a tag on few articles says more.
        scores[object_id] += math.log((total + 1) / documents[tag_id]) + 1
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


def reindex_all(*, progress=None):
    """Recompute every live article's vector and related list from scratch.

    For archives imported in bulk: counts term frequencies over the whole
    archive first, so every vector uses the same IDF.
    """
    articles = Article.objects.may_become_live().order_by("pk")
    with transaction.atomic():
        ArticleTerm.objects.all().delete()
        ArticleVector.objects.all().delete()
        TermDocumentCount.objects.all().delete()
        counts = {}
        frequency = defaultdict(int)
        for article in articles.iterator(chunk_size=500):
            counts[article.pk] = text.term_counts(
                {
                    "headline": article.headline,
                    "standfirst": article.standfirst,
                    "body_text": article.body_text,
                }
            )
            for term in counts[article.pk]:
                frequency[term] += 1
        TermDocumentCount.objects.bulk_create(
            (TermDocumentCount(term=t[:64], documents=n) for t, n in frequency.items()),
            batch_size=2000,
            ignore_conflicts=True,
        )
        total = len(counts)
        vectors, index_terms = [], []
        for pk, article_counts in counts.items():
            weights = text.vector(article_counts, frequency, total)
            vectors.append(ArticleVector(article_id=pk, weights=weights))
            index_terms += [
                ArticleTerm(article_id=pk, term=term[:64], weight=weight)
                for term, weight in text.strongest_terms(weights)
            ]
        ArticleVector.objects.bulk_create(vectors, batch_size=1000)
        ArticleTerm.objects.bulk_create(index_terms, batch_size=5000)
    archive = ArchiveIndex(articles, vectors, index_terms)
    del counts, vectors, index_terms
    ids = list(articles.values_list("pk", flat=True))
    done = 0
    # A transaction per batch: one commit for many lists, none held long.
    for start in range(0, len(ids), LISTS_PER_TRANSACTION):
        batch = articles.filter(pk__in=ids[start : start + LISTS_PER_TRANSACTION])
        with transaction.atomic():
            for article in batch:
                _store_list(article, rank_related(article, archive=archive))
                done += 1
                if progress:
                    progress(done, total)
    return total
