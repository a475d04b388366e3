"""Builders for tests across apps: sections, authors and articles in one call."""

from datetime import timedelta
from html.parser import HTMLParser
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


def change_form_data(article, *, publish_at=None, **changes):
    """Return the article's admin change form as a browser posts it unchanged
    (no inline rows), with `changes` applied; `publish_at` is a time the
    editor enters in place of the one the form was opened with."""
    from django.utils import timezone

    shown = timezone.localtime(article.publish_at)
    entered = timezone.localtime(publish_at) if publish_at else shown
    data = {
        "kind": article.kind,
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": str(article.section_id),
        "tags": ", ".join(sorted(article.tags.names())),
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "reader_password": article.reader_password,
        "publish_at_0": entered.strftime("%Y-%m-%d"),
        "publish_at_1": entered.strftime("%H:%M:%S"),
        # The time the form was opened with, which browsers send back hidden.
        "initial-publish_at_0": shown.strftime("%Y-%m-%d"),
        "initial-publish_at_1": shown.strftime("%H:%M:%S"),
        "loaded_version": str(article.edit_version),
    }
    for prefix in ["bylines", "curated_links", "corrections"]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


class _ArticleFormEntries(HTMLParser):
    """The entries a browser submits from the admin's article form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.entries = []
        self.open_field = None  # [name, text or chosen values, is_select]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "article_form"
        name = attrs.get("name")
        if not self.inside or "disabled" in attrs:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in {"submit", "button", "file"}:
            if kind not in {"checkbox", "radio"}:
                self.entries.append((name, attrs.get("value", "")))
            elif "checked" in attrs:
                self.entries.append((name, attrs.get("value", "on")))
        elif tag in {"textarea", "select"} and name:
            self.open_field = [name, "" if tag == "textarea" else [], tag == "select"]
        elif tag == "option" and self.open_field and "selected" in attrs:
            self.open_field[1].append(attrs.get("value", ""))

    def handle_data(self, data):
        if self.open_field and not self.open_field[2]:
            self.open_field[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag in {"textarea", "select"} and self.open_field:
            name, value, is_select = self.open_field
            values = value if is_select else [value.removeprefix("\n")]
            self.entries += [(name, value) for value in values]
            self.open_field = None


def form_as_posted(response, **changes):
    """Return the article form of an admin page as a browser posts it, in the
    test client's format (lists of values), with `changes` applied; the
    templates of new inline rows are left out, as a browser's form has them
    only once "Add another" copied them."""
    parser = _ArticleFormEntries()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.entries:
        if "__prefix__" not in name:
            data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    return data
