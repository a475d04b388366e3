from django import template
from django.template.loader import render_to_string

from newsroom.pagecache import per_content_version

from .. import ranking
from ..counting import popular_ids

register = template.Library()


@register.inclusion_tag("related/includes/related_articles.html", takes_context=True)
def related_articles(context, article, limit=5):
    """Render articles related to `article`. Usage: {% related_articles article %}"""
    request = context.get("request")
    return {"articles": ranking.shown_related(article, limit=limit, request=request)}


@register.simple_tag(takes_context=True)
def popular_articles(context, limit=5):
    """Render the week's most-read live articles. Usage: {% popular_articles 5 %}

    The same on every page until the ranking or the content changes, so it is
    rendered once per ranking and content version in each process.
    """
    request = context.get("request")
    ids = popular_ids(request)
    return per_content_version(
        "popular-widget",
        lambda: render_to_string(
            "related/includes/popular_articles.html", popular_context(limit, ids=ids)
        ),
        tuple(ids),
        limit,
        request=request,
    )


def popular_context(limit=5, *, ids=None):
    """Return the Popular posts widget's template context."""
    return {"articles": ranking.stored_popular_articles(limit=limit, ids=ids)}
