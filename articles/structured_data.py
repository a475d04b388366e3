"""Machine-readable descriptions of article pages for search engines and
social networks: schema.org JSON-LD and Open Graph / Twitter card tags."""

import json

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Keep a JSON document inside <script> from closing the element early.
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def json_ld(data):
    """Return a <script type="application/ld+json"> element for the data."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # str.replace, not str.translate: a tenth of the time on a page's JSON.
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def logo_url(request):
    return request.build_absolute_uri(static("logo.png"))


def article_images(article, request):
    """Return absolute URLs of the lead image at 1.91:1, 16:9 and 1:1, the
    largest of each (what Google asks of article images)."""
    image = article.lead_image
    if image is None:
        return []
    urls = []
    for use in ["social", "lead", "thumbnail"]:
        renditions = image.rendition_set(use)
        if renditions:
            urls.append(request.build_absolute_uri(renditions.largest().url))
    return urls


def news_article(article, request, *, authors, tags):
    """Return schema.org NewsArticle data for a live article."""
    url = request.build_absolute_uri(article.get_absolute_url())
    authors = [
        {
            "@type": "Person",
            "name": author.name,
            "url": request.build_absolute_uri(author.get_absolute_url()),
        }
        for author in authors
    ]
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.seo_description or article.standfirst,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": authors,
        "image": article_images(article, request) or [logo_url(request)],
        "publisher": {
            "@type": "Organization",
            "name": settings.NEWSROOM_SITE_NAME,
            "logo": {"@type": "ImageObject", "url": logo_url(request)},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in tags],
        "inLanguage": settings.LANGUAGE_CODE,
    }


def breadcrumbs(article, request):
    """Return schema.org BreadcrumbList data: home, section(s), article."""
    trail = [(settings.NEWSROOM_SITE_NAME, "/")]
    if article.section.parent_id:
        parent = article.section.parent
        trail.append((parent.name, parent.get_absolute_url()))
    trail.append((article.section.name, article.section.get_absolute_url()))
    trail.append((article.headline, article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
