"""What an article's page shows from other rows, kept on the article's side.

An article page shows the byline (authors), the tags and the corrections. They
live in their own tables, and reading them took three queries on every
uncached article page. `ArticleDisplayData` keeps a copy of them, one row per
article, read with the article in one query.

The copy is exact: the receivers below rewrite it inside the transaction that
changes a byline, an author, a tag, a tagging or a correction, so it commits
together with the change (and the page cache's new content version follows on
commit). Deleting a tag or an author rewrites its articles' copies once,
not once per tagging or byline. A row is created with its article; an
article inserted in bulk, without signals, gets its row the first time its
page is shown. (Related posts are copied beside these by related.ranking.)
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from taggit.models import Tag, TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.functional import cached_property

from newsroom.links import reverse_cached
from sections.models import Section

from .models import (
    Article,
    ArticleAuthor,
    ArticleDisplayData,
    Author,
    Correction,
    article_url,
)
from .signals import deleted_with, removed_from_articles

BATCH = 1000


def batched(ids):
    ids = sorted(set(ids))
    return (ids[start : start + BATCH] for start in range(0, len(ids), BATCH))


@dataclass(frozen=True, slots=True)
class PageLink:
    """A name and the slug of its page, e.g. an author's or a tag's."""

    name: str
    slug: str
    url_name: ClassVar[str]

    def get_absolute_url(self):
        return reverse_cached(self.url_name, slug=self.slug)


class AuthorLink(PageLink):
    url_name = "articles:author"


class TagLink(PageLink):
    url_name = "articles:tag"


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """A link to another article, as Related posts shows it from a copy."""

    pk: int
    headline: str
    slug: str
    publish_at: datetime
    section: Section

    def get_absolute_url(self):
        return article_url(self.section.slug, self.publish_at, self.slug)


@dataclass(frozen=True, slots=True)
class CorrectionNote:
    kind: str
    text: str
    published_at: datetime

    def get_kind_display(self):
        return Correction.Kind(self.kind).label


class ArticleDisplay:
    """The byline, tags and corrections of an article, as pages show them.

    Each is built from the stored copy when first asked for: a teaser shows
    only the byline.
    """

    def __init__(self, data):
        self.data = data

    @cached_property
    def authors(self):
        return [AuthorLink(name, slug) for name, slug in self.data.authors]

    @cached_property
    def tags(self):
        return [TagLink(name, slug) for name, slug in self.data.tags]

    @cached_property
    def corrections(self):
        return [
            CorrectionNote(kind, text, datetime.fromisoformat(published_at))
            for kind, text, published_at in self.data.corrections
        ]


def display_of(article):
    """Return the ArticleDisplay of a saved article (`Article.display()`).

    Uses the stored copy (select_related("display_data") saves a query); an
    article without one, inserted in bulk, gets it built and stored now.
    """
    try:
        data = article.display_data
    except ArticleDisplayData.DoesNotExist:
        data = build([article.pk])[article.pk]
        ArticleDisplayData.objects.bulk_create([data], ignore_conflicts=True)
        article.display_data = data
    return ArticleDisplay(data)


def _bylines(article_ids):
    return (
        ArticleAuthor.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "position", "pk")
        .values_list("article_id", "author__name", "author__slug")
    )


def _taggings(article_ids):
    return (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=article_ids,
        )
        .order_by("object_id", "pk")
        .values_list("object_id", "tag__name", "tag__slug")
    )


def _corrections(article_ids):
    rows = (
        Correction.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "published_at", "pk")
        .values_list("article_id", "kind", "text", "published_at")
    )
    return (
        (article_id, kind, text, published_at.isoformat())
        for article_id, kind, text, published_at in rows
    )


# Each part of the copy: the field it fills and how its rows are read, as
# (article id, *what the page shows).
PARTS = {"authors": _bylines, "tags": _taggings, "corrections": _corrections}


def build(article_ids, parts=tuple(PARTS)):
    """Return {article id: unsaved ArticleDisplayData} read from the source
    rows, one query per part."""
    rows = {pk: ArticleDisplayData(article_id=pk) for pk in article_ids}
    for part in parts:
        for article_id, *shown in PARTS[part](list(rows)):
            getattr(rows[article_id], part).append(shown)
    return rows


def refresh(article_ids, parts):
    """Rewrite parts of the stored copies of these articles from their
    source rows.

    Articles whose part reads the same (e.g. the same byline, after an
    author's rename) are updated together, one UPDATE for each such value;
    the rest in batches. Only existing rows are updated: while an article is
    being deleted, its bylines' receivers must not bring back a row that was
    deleted with it.
    """
    for chunk in batched(article_ids):
        built = build(chunk, parts)
        for part in parts:
            alike = defaultdict(list)
            for pk, row in built.items():
                alike[json.dumps(getattr(row, part))].append(pk)
            alone = []
            for value, pks in alike.items():
                if len(pks) == 1:
                    alone.append(built[pks[0]])
                else:
                    ArticleDisplayData.objects.filter(pk__in=pks).update(
                        **{part: json.loads(value)}
                    )
            # Short batches: the database matches each row against every
            # branch of the UPDATE's CASE.
            ArticleDisplayData.objects.bulk_update(alone, [part], batch_size=100)


def create_missing(article_ids):
    """Store copies for articles that have none (e.g. inserted in bulk)."""
    for chunk in batched(article_ids):
        ArticleDisplayData.objects.bulk_create(
            build(chunk).values(), ignore_conflicts=True
        )


# Receivers (connected in articles.apps) --------------------------------------


def article_saved(sender, instance, created, raw=False, **kwargs):
    if created:
        create_missing([instance.pk])


def byline_changed(sender, instance, origin=None, **kwargs):
    if deleted_with(origin, Author):
        return  # shown_row_deleted rewrites the copies once
    refresh([instance.article_id], ["authors"])


def correction_changed(sender, instance, **kwargs):
    refresh([instance.article_id], ["corrections"])


def tagging_changed(sender, instance, origin=None, **kwargs):
    if deleted_with(origin, Tag):
        return  # shown_row_deleted rewrites the copies once
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk:
        refresh([instance.object_id], ["tags"])


def _bylined_article_ids(author):
    return list(
        ArticleAuthor.objects.filter(author=author).values_list("article_id", flat=True)
    )


def _tagged_article_ids(tag):
    return list(
        TaggedItem.objects.filter(
            tag=tag, content_type=ContentType.objects.get_for_model(Article)
        ).values_list("object_id", flat=True)
    )


# Rows shown on many articles: how to find those articles, and which part of
# their copies shows the row.
SHOWN_ON_ARTICLES = {
    Author: (_bylined_article_ids, "authors"),
    Tag: (_tagged_article_ids, "tags"),
}


def shown_row_saved(sender, instance, created, **kwargs):
    if not created:  # a rename: every article showing it
        find, part = SHOWN_ON_ARTICLES[sender]
        refresh(find(instance), [part])


def shown_row_deleting(sender, instance, **kwargs):
    find, _ = SHOWN_ON_ARTICLES[sender]
    instance.shown_on_articles = find(instance)


def shown_row_deleted(sender, instance, **kwargs):
    """Rewrite the copies of the articles that showed a deleted tag or
    author, once (their taggings' or bylines' receivers did nothing), and
    tell other apps which articles those were."""
    _, part = SHOWN_ON_ARTICLES[sender]
    article_ids = getattr(instance, "shown_on_articles", [])
    refresh(article_ids, [part])
    removed_from_articles.send(
        sender=sender, instance=instance, article_ids=article_ids
    )


RECEIVERS = [
    (post_save, article_saved, Article),
    (post_save, byline_changed, ArticleAuthor),
    (post_delete, byline_changed, ArticleAuthor),
    (post_save, correction_changed, Correction),
    (post_delete, correction_changed, Correction),
    (post_save, tagging_changed, TaggedItem),
    (post_delete, tagging_changed, TaggedItem),
    *(
        (signal, receiver, model)
        for model in SHOWN_ON_ARTICLES
        for signal, receiver in [
            (post_save, shown_row_saved),
            (pre_delete, shown_row_deleting),
            (post_delete, shown_row_deleted),
        ]
    ),
]
