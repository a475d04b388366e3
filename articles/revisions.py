"""Revisions of articles: what a saved version held, how two differ, restoring.

Revisions are stored by django-reversion (registered in ArticlesConfig.ready).
Restoring copies the content of an old revision onto the article and saves it
as a new revision, so the history only ever grows; workflow state (status,
publish time) stays as it is.
"""

import difflib
import re
from dataclasses import dataclass

import reversion
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe

from images.models import Image

from .html import html_to_text
from .models import Article, ArticleAuthor, Author

CONTENT_FIELDS = [
    "headline",
    "slug",
    "kind",
    "standfirst",
    "body",
    "section_id",
    "seo_title",
    "seo_description",
    "lead_image_id",
    "lead_image_caption",
    "reader_password",
]
COMPARED = [
    ("headline", "Headline"),
    ("standfirst", "Standfirst"),
    ("body_text", "Body text"),
    ("tags", "Tags"),
    ("section", "Section"),
    ("authors", "Authors"),
    ("kind", "Kind"),
    ("slug", "Slug"),
    ("seo_title", "SEO title"),
    ("seo_description", "SEO description"),
    ("lead_image", "Lead image"),
    ("lead_image_caption", "Lead image caption"),
    ("reader_password", "Password for readers"),
]


def versions_of(article):
    """Return the article's saved versions, newest first."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _related_rows(version, model):
    content_type = ContentType.objects.get_for_model(model)
    return [
        v.field_dict
        for v in version.revision.version_set.filter(content_type=content_type)
    ]


def snapshot(version):
    """Return the comparable content of a saved version as a dict."""
    fields = version.field_dict
    tag_ids = [row["tag_id"] for row in _related_rows(version, TaggedItem)]
    bylines = sorted(
        _related_rows(version, ArticleAuthor), key=lambda row: row["position"]
    )
    return _snapshot(
        fields,
        tag_ids=tag_ids,
        author_ids=[row["author_id"] for row in bylines],
    )


def current_snapshot(article):
    """Return the comparable content of the article as it is now."""
    fields = {name: getattr(article, name) for name in CONTENT_FIELDS}
    return _snapshot(
        fields,
        tag_ids=list(article.tags.values_list("pk", flat=True)),
        author_ids=list(
            article.bylines.order_by("position", "pk").values_list(
                "author_id", flat=True
            )
        ),
    )


def _snapshot(fields, *, tag_ids, author_ids):
    Section = Article._meta.get_field("section").related_model
    section = Section.objects.filter(pk=fields.get("section_id")).first()
    authors = Author.objects.in_bulk(author_ids)
    # None for revisions from before lead images, and for deleted images.
    lead_image = Image.objects.filter(pk=fields.get("lead_image_id") or None).first()
    return {
        **{name: fields.get(name, "") for name in CONTENT_FIELDS},
        "lead_image_id": lead_image.pk if lead_image else None,
        "lead_image": str(lead_image) if lead_image else "",
        "body_text": html_to_text(fields.get("body", "")),
        "tags": ", ".join(
            sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True))
        ),
        "section": str(section) if section else "",
        "authors": ", ".join(authors[pk].name for pk in author_ids if pk in authors),
        "tag_ids": tag_ids,
        "author_ids": author_ids,
    }


@dataclass
class Change:
    label: str
    old: str
    new: str

    def inline_diff(self):
        """Return the change word by word, with <del> and <ins> marks."""
        old_words = re.findall(r"\S+|\n", self.old)
        new_words = re.findall(r"\S+|\n", self.new)
        parts = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            old_part = escape(" ".join(old_words[a1:a2]))
            new_part = escape(" ".join(new_words[b1:b2]))
            if op == "equal":
                parts.append(old_part)
            if op in {"delete", "replace"}:
                parts.append(f"<del>{old_part}</del>")
            if op in {"insert", "replace"}:
                parts.append(f"<ins>{new_part}</ins>")
        return mark_safe(" ".join(parts).replace("\n", "<br>"))


def compare(old, new):
    """Return the Changes between two snapshots, in form order."""
    return [
        Change(label, str(old[key] or ""), str(new[key] or ""))
        for key, label in COMPARED
        if (old[key] or "") != (new[key] or "")
    ]


def restore(article, version, *, user):
    """Copy an old version's content onto the article as a new revision."""
    old = snapshot(version)
    with transaction.atomic(), reversion.create_revision():
        for name in CONTENT_FIELDS:
            setattr(article, name, old[name])
        article.save()
        article.tags.set(list(Tag.objects.filter(pk__in=old["tag_ids"])))
        article.bylines.all().delete()
        for position, author_id in enumerate(old["author_ids"]):
            if Author.objects.filter(pk=author_id).exists():
                ArticleAuthor.objects.create(
                    article=article, author_id=author_id, position=position
                )
        reversion.set_user(user)
        reversion.set_comment(
            f"Restored the revision of {version.revision.date_created:%Y-%m-%d %H:%M}."
        )
    return article
