from django.urls import path, re_path

from newsroom.pagecache import cache_for_readers

from . import views

app_name = "articles"
urlpatterns = [
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
