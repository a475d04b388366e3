"""The read model: what an article's page shows from other rows.

An article page shows the byline (authors), the tags, the corrections and
Related posts. They live in their own tables, and reading them took four
queries on every uncached article page. `ArticleDisplayData` keeps a copy of
them, one row per article, read with the article in one query
(reading/page_query.py).

The copy is exact: the receivers below (connected in reading.apps) rewrite it
inside the transaction that changes a byline, an author, a tag, a tagging, a
correction or a stored related list, so it commits together with the change
(and the page cache's new content version follows on commit). Deleting a tag
or an author rewrites its articles' copies once, not once per tagging or
byline. A row is created with its article; an article inserted in bulk,
without signals, gets its row the first time its page is shown.

The model stays in articles (articles/models.py), beside the article it is
a one-to-one part of and whose QuerySets select it; it declares the table
only: everything that writes or reads the copy is here.

Sections are read the same way: all of them once per content version in
each process (`sections_by_id()`), so an article page gets its section, and
Related posts their links' sections, without a query.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import ClassVar

from taggit.models import Tag, TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.functional import cached_property

from articles import models as articles_models
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleDisplayData,
    Author,
    Correction,
    article_url,
)
from articles.signals import SHOWN_ON_ARTICLES, deleted_with, removed_from_articles
from newsroom.links import reverse_cached
from related.events import related_list_stored
from related.lists import related_articles
from related.models import RelatedArticle
from sections.models import Section

from .pagecache import bump_content_version, per_content_version

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
    """Return the ArticleDisplay of a saved article: its byline, tags and
    corrections as readers see them.

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


def store(article_ids):
    """Store the byline, tags and corrections of many articles at once (a
    bulk job's, see newsroom.bulk): created where missing, rewritten where
    stored, one query per part and one write per batch. Related links are
    copied by `copy_related`."""
    for chunk in batched(article_ids):
        ArticleDisplayData.objects.bulk_create(
            build(chunk).values(),
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=list(PARTS),
        )


def sections_by_id(request=None):
    """Return {id: Section} of every section, each with its parent attached.

    Read once per content version in each process (see
    reading.pagecache.per_content_version), so the objects are shared
    between requests: read them, never change them.
    """
    return per_content_version("sections-by-id", _sections_by_id, request=request)


def _sections_by_id():
    sections = {section.pk: section for section in Section.objects.all()}
    for section in sections.values():
        if section.parent_id:
            section.parent = sections[section.parent_id]
    return sections


def section_with_slug(sections, slug):
    """Return the section of `sections` (`sections_by_id()`) with this slug,
    or None."""
    return next((s for s in sections.values() if s.slug == slug), None)


def subsections(sections, section):
    """Return the sections directly below `section`, in menu order (that of
    `sections_by_id()`, read in the sections' order)."""
    return [s for s in sections.values() if s.parent_id == section.pk]


def attach_section(article, request=None):
    """Give the article its section (and the section's parent) from the
    sections kept per content version: no query (see `sections_by_id`)."""
    section = sections_by_id(request).get(article.section_id)
    if section is not None:
        article.section = section


def shown_related(article, *, limit=5, request=None):
    """Return the related articles the article's page shows, without a query.

    They come from the copy kept with the article's display data (loaded
    with it by `for_article_page()`), sifted for what is live now: a
    scheduled target is shown from its second. Without a copy (a list not
    computed yet), from `related.lists.related_articles()`.
    """
    try:
        copied = article.display_data.related
    except ArticleDisplayData.DoesNotExist:
        copied = None
    if copied is None:
        shown = related_articles(article, limit=limit)
        copy_related([article.pk])  # e.g. a list stored before copies were kept
        return shown
    now = timezone.now()
    sections = sections_by_id(request)
    shown = []
    for pk, headline, slug, published, section_id, *rule in copied:
        if not rule:  # copied before copies kept what the rule reads
            return related_articles(article, limit=limit)
        publish_at = datetime.fromisoformat(published)
        values = _from_json(rule[0])
        values["publish_at"] = publish_at
        try:
            if not articles_models.is_visible(values, now=now):
                continue
        except KeyError:  # the rule reads a field copied after this copy
            return related_articles(article, limit=limit)
        if section_id not in sections:
            # A section newer than this process's copy of them, in the moment
            # before its content version arrives: read the stored list.
            return related_articles(article, limit=limit)
        shown.append(ArticleLink(pk, headline, slug, publish_at, sections[section_id]))
        if len(shown) == limit:
            break
    return shown


def _to_json(values):
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in values.items()
    }


def _from_json(values):
    return {
        name: datetime.fromisoformat(value) if name in _time_fields() else value
        for name, value in values.items()
    }


@cache
def _time_fields():
    return frozenset(
        field.attname
        for field in Article._meta.concrete_fields
        if isinstance(field, DateTimeField)
    )


def copy_related(article_ids, *, without=None):
    """Copy the stored related lists of these articles onto their display
    data, with what each link shows (see `shown_related`), and return the
    number of copies that changed from a list pages may have shown.

    Targets that are not published (or are `without`, an article being
    deleted) are left out; a list not computed (no sentinel entry: never
    computed, or forgotten) is copied as None. Only copies that differ are
    written. Run whenever `related.events.related_list_stored` announces
    lists: stored, forgotten, or holding an article whose headline, address,
    status or time changed.
    """
    shown_changed = 0
    for chunk in batched(article_ids):
        copies, computed = {}, set()
        rule_fields = articles_models.visibility_fields()
        entries = (
            RelatedArticle.objects.filter(article_id__in=chunk)
            .order_by("article_id", "position")
            .values_list(
                "article_id",
                "target_id",
                *(f"target__{name}" for name in ("headline", "slug", "publish_at")),
                "target__section_id",
                *(f"target__{name}" for name in rule_fields),
            )
        )
        for article_id, pk, headline, slug, publish_at, section_id, *rule in entries:
            links = copies.setdefault(article_id, [])
            values = dict(zip(rule_fields, rule, strict=True))
            if pk == article_id:
                computed.add(article_id)  # the sentinel of a computed list
            elif pk != without and articles_models.may_become_visible(values):
                # What the visibility rule reads, for `shown_related`.
                values.pop("publish_at", None)
                links.append(
                    [
                        pk,
                        headline,
                        slug,
                        publish_at.isoformat(),
                        section_id,
                        _to_json(values),
                    ]
                )
        stored = ArticleDisplayData.objects.filter(pk__in=chunk).values_list(
            "pk", "related"
        )
        changed = []
        for pk, before in stored:
            after = copies[pk] if pk in computed else None
            if after != before:
                changed.append(ArticleDisplayData(article_id=pk, related=after))
                # A list not copied before was read from the stored list
                # by any page that showed it (`shown_related`).
                shown_changed += before is not None
        ArticleDisplayData.objects.bulk_update(
            changed,
            ["related"],
            batch_size=100,  # short CASEs: see `refresh`
        )
    return shown_changed


# Receivers (connected in reading.apps) ---------------------------------------


def article_saved(sender, instance, created, raw=False, **kwargs):
    if created:
        create_missing([instance.pk])


def byline_changed(sender, instance, origin=None, **kwargs):
    if deleted_with(origin, Author):
        return  # shown_row_removed rewrites the copies once
    refresh([instance.article_id], ["authors"])


def correction_changed(sender, instance, **kwargs):
    refresh([instance.article_id], ["corrections"])


def tagging_changed(sender, instance, origin=None, **kwargs):
    if deleted_with(origin, Tag):
        return  # shown_row_removed rewrites the copies once
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk:
        refresh([instance.object_id], ["tags"])


# Rows shown on many articles: which part of their copies shows the row.
SHOWN_PARTS = {Author: "authors", Tag: "tags"}


def shown_row_saved(sender, instance, created, **kwargs):
    if not created:  # a rename: every article showing it
        find = SHOWN_ON_ARTICLES[sender]
        refresh(find(instance), [SHOWN_PARTS[sender]])


def related_lists_stored(sender, article_ids, without=None, **kwargs):
    if article_ids is None:  # every list (e.g. all computed again)
        article_ids = ArticleDisplayData.objects.values_list("pk", flat=True)
    if copy_related(article_ids, without=without):
        # Lists stored by a task, after the editor's transaction, too. An
        # article leaving the lists because it left the site moved the
        # retraction version when it left.
        bump_content_version(retracts=False)


def shown_row_removed(sender, instance, article_ids, **kwargs):
    """Rewrite the copies of the articles that showed a deleted tag or
    author, once (their taggings' or bylines' receivers did nothing)."""
    refresh(article_ids, [SHOWN_PARTS[sender]])


RECEIVERS = [
    (related_list_stored, related_lists_stored, None),
    (post_save, article_saved, Article),
    (post_save, byline_changed, ArticleAuthor),
    (post_delete, byline_changed, ArticleAuthor),
    (post_save, correction_changed, Correction),
    (post_delete, correction_changed, Correction),
    (post_save, tagging_changed, TaggedItem),
    (post_delete, tagging_changed, TaggedItem),
    *((post_save, shown_row_saved, model) for model in SHOWN_PARTS),
    *((removed_from_articles, shown_row_removed, model) for model in SHOWN_PARTS),
]
