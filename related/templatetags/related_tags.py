from django import template

from .. import ranking

register = template.Library()


@register.inclusion_tag("related/includes/related_articles.html")
def related_articles(article, limit=5):
    """Render articles related to `article`. Usage: {% related_articles article %}"""
    return {"articles": ranking.related_articles(article, limit=limit)}


@register.inclusion_tag("related/includes/popular_articles.html")
def popular_articles(limit=5):
    """Render the week's most-read live articles. Usage: {% popular_articles 5 %}"""
    return {"articles": ranking.stored_popular_articles(limit=limit)}
