"""Receivers that set a new content version when what readers see changes.

Connected in reading.apps, with the display data's receivers
(reading/display.py), which also moves the content version when a related
list that pages showed changes. The apps below announce their changes
(model signals, the articles' domain events of articles/events.py) and never
import this app.
"""

from taggit.models import Tag, TaggedItem

from django.db.models.signals import post_delete, post_save

from articles import events
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    may_become_visible,
)
from articles.signals import deleted_with
from frontpage.models import Block, PinnedArticle
from images.models import Image
from related.models import CuratedLink
from sections.models import Section

from .pagecache import bump_content_version


def article_published(sender, article, **kwargs):
    # Nothing leaves the site: a page's previous copy may be served while
    # it renders again (reading/pagecache.py).
    bump_content_version(retracts=False)


def article_changed(sender, article, **kwargs):
    # An edit leaves the article on the site, unless it was moved to a
    # later time (or is scheduled: nothing to lose by treating it so).
    bump_content_version(retracts=not article.is_live())


def article_unpublished(sender, article, **kwargs):
    # A retraction: no page's previous copy may be served again.
    bump_content_version(retracts=True)


def article_deleted(sender, article, **kwargs):
    if may_become_visible(article):  # live or scheduled: on cached pages
        bump_content_version(retracts=True)


def content_changed(sender, origin=None, signal=None, **kwargs):
    if sender not in (Tag, Author) and (
        deleted_with(origin, Tag) or deleted_with(origin, Author)
    ):
        return  # the tag's or author's own deletion moves the version, once
    # A deleted row (an image, a byline, a correction) takes something off
    # the site; a saved one changes or adds.
    bump_content_version(retracts=signal is post_delete)


RECEIVERS = [
    (events.published, article_published, Article),
    (events.changed, article_changed, Article),
    (events.unpublished, article_unpublished, Article),
    (events.deleted, article_deleted, Article),
    *(
        (signal, receiver, model)
        for signal in (post_save, post_delete)
        for receiver, model in [
            (content_changed, ArticleAuthor),
            (content_changed, Author),
            (content_changed, Correction),
            (content_changed, TaggedItem),
            (content_changed, Tag),
            # Alt text, caption, credit or focal point of a shown image.
            (content_changed, Image),
            # Section names and menus appear on every page.
            (content_changed, Section),
            (content_changed, CuratedLink),
            # The front page's arrangement, as an article change would.
            (content_changed, Block),
            (content_changed, PinnedArticle),
        ]
    ),
]
