"""Previews of articles as readers will see them, for editors and shared links."""

import copy

from taggit.models import Tag

from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify


def render_preview(request, article, *, tags=None):
    """Render the article page for a preview: never cached, never indexed.

    The byline, tags and corrections are read from their own rows, not from
    the copy kept for readers' pages (reading/display.py): a preview shows
    what is saved, and costs a few queries more.
    """
    response = TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "authors": [
                byline.author for byline in article.bylines.select_related("author")
            ],
            "tags": _tags_as_tagged(article) if tags is None else tags,
            "corrections": list(article.corrections.all()),
            "preview": True,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def _tags_as_tagged(article):
    return [
        tagging.tag
        for tagging in article.tagged_items.select_related("tag").order_by("pk")
    ]


def unsaved_preview(form_class, request, article):
    """Return (article, tags) as the submitted form would change them, unsaved."""
    form = form_class(
        request.POST, request.FILES, instance=copy.copy(article), check_conflicts=False
    )
    form.is_valid()  # Fields with errors keep their saved values.
    names = form.cleaned_data.get("tags")
    tags = None
    if names is not None:
        tags = [Tag(name=name, slug=slugify(name)) for name in names]
    return form.instance, tags
