"""Query parameters of the article list, and how they narrow the queryset."""

from datetime import datetime, time, timedelta

from ninja import Field, Schema
from pydantic import field_validator
from taggit.models import Tag

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Author
from articles.search import search_articles
from sections.models import Section

SLUG_PATTERN = r"^[-\w]+$"
MIN_YEAR, MAX_YEAR = 1000, 9998


class ArticleFilters(Schema):
    section: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        description="A section slug; articles in its subsections are included.",
    )
    tag: str | None = Field(None, pattern=SLUG_PATTERN, description="A tag slug.")
    author: str | None = Field(
        None, pattern=SLUG_PATTERN, description="An author slug."
    )
    published_after: str | None = Field(
        None,
        description=(
            "Articles published at or after this ISO 8601 date or date-time, "
            "e.g. 2023-06-18 or 2023-06-18T09:00:00Z. A date means the start of "
            "that day; a time without an offset is in the site's time zone."
        ),
    )
    published_before: str | None = Field(
        None,
        description=(
            "Articles published at or before this ISO 8601 date or date-time. "
            "A date includes the whole of that day."
        ),
    )
    q: str | None = Field(
        None,
        max_length=200,
        description="Full-text search; results then come best match first.",
    )

    @field_validator("published_after", "published_before")
    @classmethod
    def _check_moment(cls, value):
        if value is not None:
            parse_moment(value)
        return value

    @field_validator("q")
    @classmethod
    def _check_text(cls, value):
        if value is not None and "\x00" in value:
            raise ValueError("The query must not contain NUL characters.")
        return value


def parse_moment(value):
    """Return (aware datetime, date or None) for an ISO 8601 date or date-time.

    The date is given when the value is a plain date; the datetime is then the
    start of that day in site time.
    """
    try:
        day = parse_date(value)
        moment = datetime.combine(day, time.min) if day else parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError("Enter an ISO 8601 date or date-time, e.g. 2023-06-18.")
    # Keeps a day's end and a time zone shift within datetime's range.
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(f"Enter a year from {MIN_YEAR} to {MAX_YEAR}.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, day


def filter_articles(articles, filters):
    """Return `articles` narrowed by the filters that were given."""
    if filters.section:
        section = Section.objects.filter(slug=filters.section).first()
        articles = articles.in_section(section) if section else articles.none()
    if filters.tag:
        tag = Tag.objects.filter(slug=filters.tag).first()
        articles = articles.tagged(tag) if tag else articles.none()
    if filters.author:
        author = Author.objects.filter(slug=filters.author).first()
        articles = articles.by_author(author) if author else articles.none()
    if filters.published_after:
        start, _ = parse_moment(filters.published_after)
        articles = articles.filter(publish_at__gte=start)
    if filters.published_before:
        end, day = parse_moment(filters.published_before)
        if day is None:
            articles = articles.filter(publish_at__lte=end)
        else:
            next_day = datetime.combine(day + timedelta(days=1), time.min)
            articles = articles.filter(publish_at__lt=timezone.make_aware(next_day))
    if filters.q and filters.q.strip():
        articles = _text_filter(articles, filters.q)
    return articles


def _text_filter(articles, q):
    # SWITCH POINT for the `q` parameter: the one place that decides how text
    # search works. It uses the site search (articles/search.py: PostgreSQL
    # full-text search, SQLite FTS5), which orders results best match first.
    return search_articles(articles, q)
