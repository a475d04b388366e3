from django import template

from ..search import highlight as highlight_text

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
