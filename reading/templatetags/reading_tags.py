"""The reader's widgets and menu: `{% load reading_tags %}`.

Rankings are computed in related/ranking.py and related/counting.py; these
tags only render them. Data shown on every page is rendered once per content
version in each process (`reading.pagecache.per_content_version`).
"""

import logging

from django import template
from django.template.loader import render_to_string

from newsroom.cache import log_cache_error
from related import counting

from ..display import display_of, shown_related
from ..pagecache import per_content_version, read_for_request

logger = logging.getLogger(__name__)

register = template.Library()


@register.filter
def byline(article):
    """Return the article's authors as pages show them, from its display data.

    Usage: {% with authors=article|byline %}
    """
    return display_of(article).authors


# Teasers kept per content version in each process, at most (then started over).
TEASERS_PER_VERSION = 5000


@register.simple_tag(takes_context=True)
def teaser(context, article, *, is_lead=False, as_h2=False, show_standfirst=False):
    """Render an article's teaser (includes/article_teaser.html).

    Usage: {% teaser article as_h2=True show_standfirst=True %}. It shows the
    article's own fields, section, lead image and byline, so it reads the same
    on every list (front page, section, tag, author, archive) until the
    content changes: each variant is rendered once per content version in
    each process, and the lists rendered after it share it.
    """
    flags = {
        "is_lead": bool(is_lead),
        "as_h2": bool(as_h2),
        "show_standfirst": bool(show_standfirst),
    }
    teasers = per_content_version("teasers", dict, request=context.get("request"))
    variant = (article.pk, *flags.values())
    html = teasers.get(variant)
    if html is None:
        html = render_to_string(
            "includes/article_teaser.html", {"article": article, **flags}
        )
        if len(teasers) >= TEASERS_PER_VERSION:
            teasers.clear()
        teasers[variant] = html
    return html


@register.inclusion_tag("related/includes/related_articles.html", takes_context=True)
def related_articles(context, article, limit=5):
    """Render articles related to `article`. Usage: {% related_articles article %}"""
    request = context.get("request")
    return {"articles": shown_related(article, limit=limit, request=request)}


@register.simple_tag(takes_context=True)
def popular_articles(context, limit=5, reading=None):
    """Render the week's most-read live articles, never the article being read.

    Usage: {% popular_articles 5 %}, or {% popular_articles 5 article %} on
    an article's page: that article is left out and the next one shown, so
    the list keeps `limit` items.

    The same on every page until the ranking or the content changes, so it is
    rendered once per ranking and content version in each process (and once
    more for each article of the ranking, shown on its own page without it).
    """
    request = context.get("request")
    ids = popular_ids(request)
    left_out = getattr(reading, "pk", reading)
    if left_out not in ids:
        left_out = None
    return per_content_version(
        "popular-widget",
        lambda: render_to_string(
            "related/includes/popular_articles.html",
            popular_context(limit, ids=ids, leave_out=left_out),
        ),
        tuple(ids),
        limit,
        left_out,
        request=request,
    )


def popular_ids(request=None):
    """Return the stored Popular posts ranking (`related.counting`).

    With `request`, the one read in the same round trip as the request's
    content version (reading.apps has the ranking read with it).
    """
    ids = None
    if request is not None:
        try:
            ids = read_for_request(request, counting.RANKING_KEY)
        except Exception:
            log_cache_error(
                logger, "Cache unavailable; Popular posts ranked by this process"
            )
            return counting.ranking_during_outage()
    return counting.popular_ids() if ids is None else ids


def popular_context(limit=5, *, ids=None, leave_out=None):
    """Return the Popular posts widget's template context, without the
    article `leave_out` (an id)."""
    if leave_out is not None:
        ranking = popular_ids() if ids is None else ids
        ids = [pk for pk in ranking if pk != leave_out]
    return {"articles": counting.stored_popular_articles(limit=limit, ids=ids)}


@register.simple_tag(takes_context=True)
def site_navigation(context, place, current_section_slug=""):
    """Render the section menu of the header or the footer.

    Usage: {% site_navigation "header" current_section_slug %}, with the links
    of `reading.context_processors.navigation`. The same on every page of a
    section until an editor changes the sections, so each variant is rendered
    once per content version in each process.
    """
    return per_content_version(
        "navigation-html",
        lambda: render_to_string(
            "includes/site_navigation.html",
            {
                "place": place,
                "sections": context["navigation_sections"],
                "current_section_slug": current_section_slug,
            },
        ),
        place,
        current_section_slug,
        request=context.get("request"),
    )
