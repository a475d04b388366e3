"""Signals about rows shown on many articles (tags, authors), for other apps."""

from taggit.models import Tag, TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.dispatch import Signal

from .models import Article, ArticleAuthor, Author

# Sent once after a tag or an author is deleted, with `article_ids`: the
# articles that showed it. Its taggings or bylines went with it, and their
# own receivers skip such deletions (see `deleted_with`).
removed_from_articles = Signal()


def deleted_with(origin, model):
    """Return True if a delete signal's row goes because a `model` row, or a
    queryset of them, is deleted (the `origin` of Django's delete signals).

    Receivers then handle that tag or author once, after it is gone, rather
    than each of its possibly thousands of taggings or bylines.
    """
    return isinstance(origin, model) or getattr(origin, "model", None) is model


def bylined_article_ids(author):
    """Return the ids of the articles whose byline names `author`."""
    return list(
        ArticleAuthor.objects.filter(author=author).values_list("article_id", flat=True)
    )


def tagged_article_ids(tag):
    """Return the ids of the articles tagged `tag`."""
    return list(
        TaggedItem.objects.filter(
            tag=tag, content_type=ContentType.objects.get_for_model(Article)
        ).values_list("object_id", flat=True)
    )


# Rows shown on many articles, and how to find those articles.
SHOWN_ON_ARTICLES = {Author: bylined_article_ids, Tag: tagged_article_ids}

# (model, pk) of a row being deleted -> the articles that showed it, from
# just before the deletion (pre_delete) to just after it (post_delete).
_showing = {}


def shown_row_deleting(sender, instance, **kwargs):
    _showing[sender, instance.pk] = SHOWN_ON_ARTICLES[sender](instance)


def shown_row_deleted(sender, instance, **kwargs):
    article_ids = _showing.pop((sender, instance.pk), [])
    removed_from_articles.send(
        sender=sender, instance=instance, article_ids=article_ids
    )
