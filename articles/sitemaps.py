from datetime import UTC, timedelta

from taggit.models import Tag

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from newsroom.links import reverse_cached

from . import models
from .models import Article, Author

# Google News only lists articles published in the last two days.
NEWS_WINDOW = timedelta(hours=48)


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        # Oldest first, so that a new article changes only the last page.
        return (
            Article.objects.live()
            .select_related("section")
            .order_by("publish_at", "pk")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default of loading every article.
        return Article.objects.live().last_changed()


class ListingSitemap(Sitemap):
    """A sitemap of listing pages (tags, authors) that the index can afford.

    Listing pages change whenever an article on them does, so the sitemap
    index gives them the time of the newest change to a live article, read
    from one index, rather than Django's default of computing every entry's
    time. Its number of pages comes from counting only the entries.
    """

    def get_latest_lastmod(self):
        return Article.objects.live().last_changed()

    def count_items(self):
        raise NotImplementedError

    @property
    def paginator(self):
        pages = Paginator(self.items(), self.limit)
        pages.count = self.count_items()
        return pages


class TagSitemap(ListingSitemap):
    def items(self):
        return (
            Tag.objects.filter(models.live_q("article__"))
            .annotate(latest=Max("article__updated_at"))
            .order_by("name")
        )

    def count_items(self):
        tagged = Article.objects.live().filter(tagged_items__tag=OuterRef("pk"))
        return Tag.objects.filter(Exists(tagged)).count()

    def location(self, tag):
        return reverse_cached("articles:tag", slug=tag.slug)

    def lastmod(self, tag):
        return tag.latest


class AuthorSitemap(ListingSitemap):
    def items(self):
        return (
            Author.objects.filter(models.live_q("articles__"))
            .annotate(latest=Max("articles__updated_at"))
            .order_by("name")
        )

    def count_items(self):
        written = Article.objects.live().filter(bylines__author=OuterRef("pk"))
        return Author.objects.filter(Exists(written)).count()

    def lastmod(self, author):
        return author.latest


class NewsSitemap(Sitemap):
    """Live articles of the last 48 hours, for Google News.

    Rendered with templates/sitemaps/news_sitemap.xml, which reads the extra
    "news" entry that get_urls() adds to each URL.
    """

    # Google News reads at most 1,000 URLs per sitemap.
    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.live()
            .filter(publish_at__gte=since)
            .select_related("section")
            .newest_first()
        )

    def lastmod(self, article):
        return article.updated_at

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        language = news_language()
        for url in urls:
            article = url["item"]
            url["news"] = {
                "publication_name": settings.NEWSROOM_SITE_NAME,
                "language": language,
                "publication_date": w3c_datetime(article.publish_at),
                "title": article.headline,
            }
        return urls


def news_language():
    """Return the site language as Google News wants it: "en" for "en-gb"."""
    return settings.LANGUAGE_CODE.split("-")[0].lower()


def w3c_datetime(value):
    """Return an aware datetime in W3C format, to the second: 2023-06-18T09:00:00Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
