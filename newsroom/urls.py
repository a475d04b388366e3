from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import TemplateView

from articles import feeds
from articles.sitemaps import (
    ArticleSitemap,
    AuthorSitemap,
    NewsSitemap,
    TagSitemap,
)
from newsroom.pagecache import cache_for_readers
from sections.feeds import SectionAtomFeed, SectionFeed
from sections.sitemaps import SectionSitemap

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} editorial"
admin.site.site_title = settings.NEWSROOM_SITE_NAME

# Classes, not instances: the sitemap views make a fresh one per request.
sitemaps = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}

feed_patterns = [
    path("", cache_for_readers(feeds.LatestArticlesFeed()), name="site"),
    path("atom/", cache_for_readers(feeds.LatestArticlesAtomFeed()), name="site-atom"),
    path("section/<slug:slug>/", cache_for_readers(SectionFeed()), name="section"),
    path(
        "section/<slug:slug>/atom/",
        cache_for_readers(SectionAtomFeed()),
        name="section-atom",
    ),
    path("tag/<str:slug>/", cache_for_readers(feeds.TagFeed()), name="tag"),
    path(
        "tag/<str:slug>/atom/", cache_for_readers(feeds.TagAtomFeed()), name="tag-atom"
    ),
    path("author/<slug:slug>/", cache_for_readers(feeds.AuthorFeed()), name="author"),
    path(
        "author/<slug:slug>/atom/",
        cache_for_readers(feeds.AuthorAtomFeed()),
        name="author-atom",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path(
        "favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)
    ),
    path("feed/", include((feed_patterns, "feeds"))),
    path(
        "sitemap.xml",
        cache_for_readers(sitemap_views.index),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_for_readers(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "news-sitemap.xml",
        cache_for_readers(sitemap_views.sitemap),
        {
            "sitemaps": {"news": NewsSitemap},
            "template_name": "sitemaps/news_sitemap.xml",
        },
        name="news-sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt", content_type="text/plain; charset=utf-8"
        ),
        name="robots",
    ),
    path("", include("api.urls")),
    path("", include("related.urls")),
    path("", include("articles.urls")),
    # Section fronts answer any remaining single-slug path, so they come last.
    path("", include("sections.urls")),
]

if settings.NEWSROOM_SERVE_MEDIA:
    # Uploaded images from MEDIA_ROOT, for development and single-server sites.
    urlpatterns.insert(0, path("", include("images.urls")))
