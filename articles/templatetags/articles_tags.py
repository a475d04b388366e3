from django import template
from django.templatetags.static import static

from .. import structured_data
from ..search import highlight as highlight_text
from ..structured_data import json_ld

register = template.Library()

SNIPPET_LENGTH = 220


@register.simple_tag
def highlight(text, terms):
    """Mark the search terms in text. Usage: {% highlight article.headline terms %}"""
    return highlight_text(text, terms)


@register.simple_tag
def snippet(article, terms):
    """Return a marked excerpt of the body around the first match, if any."""
    if not terms:
        return ""
    lowered = article.body_text.lower()
    if not any(term in lowered for term in terms):
        return ""
    return highlight_text(article.body_text, terms, length=SNIPPET_LENGTH)


@register.simple_tag(takes_context=True)
def article_structured_data(context, article, authors, tags):
    """Render an article page's JSON-LD.

    Usage: {% article_structured_data article authors tags %}
    """
    request = context["request"]
    data = structured_data.news_article(article, request, authors=authors, tags=tags)
    return json_ld(data) + json_ld(structured_data.breadcrumbs(article, request))


@register.simple_tag(takes_context=True)
def absolute_static(context, path):
    """Return the absolute URL of a static file, for social cards."""
    return context["request"].build_absolute_uri(static(path))
