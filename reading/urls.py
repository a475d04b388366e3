"""The public URLs: pages, feeds, sitemaps and the view beacon.

Pages readers see are wrapped in `cache_for_readers` (reading/pagecache.py).
The URL names keep the namespaces of the things they show (`articles:detail`,
`sections:front`, `feeds:site`, `related:view-beacon`), so that models'
`get_absolute_url()` in the apps below name them without knowing this app.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from articles import feeds
from articles.sitemaps import ArticleSitemap, AuthorSitemap, NewsSitemap, TagSitemap
from sections.feeds import SectionAtomFeed, SectionFeed
from sections.sitemaps import SectionSitemap

from . import views
from .pagecache import cache_for_readers

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

sitemap_patterns = [
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
]

related_patterns = [
    path("beacon/view/", views.view_beacon, name="view-beacon"),
]

article_patterns = [
    path("a/<int:pk>/", views.article_short_url, name="short"),
    path("preview/<str:token>/", views.shared_preview, name="shared-preview"),
    # Tag slugs keep non-ASCII letters ("el-niño"), which <slug:> refuses.
    path("tag/<str:slug>/", cache_for_readers(views.tag_detail), name="tag"),
    path("author/<slug:slug>/", cache_for_readers(views.author_detail), name="author"),
    # Breaking news sends many readers to the same search: cache it too.
    path("search/", cache_for_readers(views.search), name="search"),
    path(
        "archive/<int:year>/",
        cache_for_readers(views.YearArchive.as_view()),
        name="archive-year",
    ),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        cache_for_readers(views.MonthArchive.as_view()),
        name="archive-month",
    ),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        cache_for_readers(views.DayArchive.as_view()),
        name="archive-day",
    ),
    re_path(
        r"^(?P<section>[-\w]+)/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/"
        r"(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/$",
        cache_for_readers(views.article_detail),
        name="detail",
    ),
]

section_patterns = [
    path("", cache_for_readers(views.front_page), name="front"),
    path("<slug:slug>/", cache_for_readers(views.section_detail), name="detail"),
]

urlpatterns = [
    path("feed/", include((feed_patterns, "feeds"))),
    *sitemap_patterns,
    path("", include((related_patterns, "related"))),
    path("", include((article_patterns, "articles"))),
    # Section fronts answer any remaining single-slug path, so they come last.
    path("", include((section_patterns, "sections"))),
]
