"""Builders for tests across apps: sections, authors and articles in one call."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from .models import Article, ArticleAuthor, Author

_numbers = count(1)


def make_section(name=None, **fields):
    Section = Article._meta.get_field("section").related_model
    name = name or f"Section {next(_numbers)}"
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    return Section.objects.create(name=name, **fields)


def make_author(name=None, **fields):
    name = name or f"Author {next(_numbers)}"
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    return Author.objects.create(name=name, **fields)


def make_article(
    headline=None,
    *,
    section=None,
    status=Article.Status.PUBLISHED,
    publish_at=None,
    age=timedelta(hours=1),
    tags=(),
    authors=(),
    **fields,
):
    """Create an article; by default published an hour ago, so live."""
    article = Article.objects.create(
        headline=headline or f"Headline {next(_numbers)}",
        section=section or make_section(),
        status=status,
        publish_at=publish_at or timezone.now() - age,
        **fields,
    )
    if tags:
        article.tags.set(list(tags))
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    return article


def make_user(username, role=None, *, password="correct-horse-battery", **fields):
    """Create a staff user in the named role group (Writer, Editor, Administrator)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, password=password, is_staff=True, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
