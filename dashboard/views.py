"""The editors' dashboard: what waits for review, what goes out today, what
went out lately and what readers read most today, each row linking to the
article's change page. A fixed number of queries, whatever the archive's size.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from articles.models import SEARCH_COLUMNS, Article
from related import counting

ROWS = 10
# A story read for a few minutes would show a rate out of all proportion.
SHORTEST_HOURS = 1.0


@dataclass
class MostRead:
    article: Article
    reads: int
    per_hour: float


def listed():
    """Return articles with what the dashboard's rows show, in one query."""
    return Article.objects.select_related("section").defer("body", *SEARCH_COLUMNS)


def start_of_day(day):
    """Return the first moment of `day` in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def most_read_today(now, *, limit=ROWS):
    """Return today's most-read articles with their reads and reads per hour
    (over the hours each has been live today, at least one)."""
    today = timezone.localdate(now)
    ranked = counting.reads_on(today, limit=limit)
    articles = listed().in_bulk([pk for pk, _ in ranked])
    midnight = start_of_day(today)
    rows = []
    for pk, reads in ranked:
        article = articles.get(pk)
        if article is None:
            continue
        since = max(midnight, article.publish_at)
        hours = max((now - since).total_seconds() / 3600, SHORTEST_HOURS)
        rate = reads / hours
        # Two decimals for slow rates, so that a read never shows as 0.0.
        rows.append(MostRead(article, reads, round(rate, 1 if rate >= 1 else 2)))
    return rows


def dashboard(request):
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    now = timezone.now()
    end_of_today = start_of_day(timezone.localdate(now) + timedelta(days=1))
    articles = listed()
    waiting = list(
        articles.filter(status=Article.Status.REVIEW).order_by("updated_at", "pk")[
            : ROWS + 1
        ]
    )
    context = {
        **admin.site.each_context(request),
        "title": "Editors' dashboard",
        "waiting": waiting[:ROWS],
        "more_waiting": len(waiting) > ROWS,
        "scheduled_today": articles.scheduled(now=now)
        .filter(publish_at__lt=end_of_today)
        .order_by("publish_at", "pk")[:ROWS],
        "recently_published": articles.live().order_by("-publish_at", "-pk")[:ROWS],
        "most_read": most_read_today(now),
        "zone": timezone.get_current_timezone_name(),
        "now": now,
    }
    return TemplateResponse(request, "dashboard/dashboard.html", context)
