"""The public pages: articles, fronts, tags, authors, search, archives, and
the view beacon.

Pages readers see are cached by `reading.pagecache.cache_for_readers`
(wired in reading/urls.py). Every one starts from `Article.objects.live()`.
"""

import hashlib
import ipaddress
import logging
import re
from datetime import UTC, datetime

from taggit.models import Tag

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic.dates import DayArchiveView, MonthArchiveView, YearArchiveView

from articles.forms import SearchForm
from articles.models import Article, Author, FormerURL, PreviewLink
from articles.pagination import UncountedPaginator, paginate
from articles.previews import render_preview
from articles.search import query_terms, search_articles
from frontpage.arrangement import arrange
from newsroom.cache import log_cache_error
from newsroom.clients import client_address
from related import counting

from .display import (
    attach_section,
    display_of,
    section_with_slug,
    sections_by_id,
    subsections,
)
from .page_query import live_article_for_page
from .pagecache import next_publication, per_content_version, request_content_version
from .teasers import teaser_page

logger = logging.getLogger(__name__)


# An article that asks readers for a password takes it by POST to its own
# address. CSRF protection is off for that view: the page with the form is
# the same for every reader (kept by the page cache, so it holds no
# per-reader token), and the POST changes nothing; a forged one would only
# show the sender's own browser a text whose password it already had.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def article_detail(request, section, year, month, day, slug):
    article = live_article_for_page(slug)
    if article is None:
        return redirect_former_url(request)
    attach_section(article, request)
    canonical_url = article.get_absolute_url()
    if request.path != canonical_url:
        return redirect(canonical_url, permanent=True)
    unlock = PasswordUnlock(request, article)
    display = display_of(article)
    response = TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "body_shown": unlock.opened,
            "password_error": unlock.error,
            "authors": display.authors,
            "tags": display.tags,
            "corrections": display.corrections,
            "canonical_absolute_url": request.build_absolute_uri(canonical_url),
            "current_section_slug": article.section.navigation_slug(),
        },
        status=unlock.status,
    )
    if request.method == "POST":
        # The answer to a password is for this reader only.
        add_never_cache_headers(response)
        if unlock.retry_after:
            response.headers["Retry-After"] = str(unlock.retry_after)
    return response


class PasswordUnlock:
    """A reader's attempt to open an article that asks for a password.

    Guesses are limited per address (PASSWORD_TRIES in PASSWORD_WINDOW
    seconds, over all articles); the count lives in the shared cache, and if
    that is unreachable the attempt is judged without it (a comparison costs
    nothing to repeat)."""

    PASSWORD_TRIES = 20
    PASSWORD_WINDOW = 600

    def __init__(self, request, article):
        self.opened = not article.asks_for_password()
        self.error = ""
        self.status = 200
        self.retry_after = 0
        if self.opened or request.method != "POST":
            return
        if self._too_many(request):
            self.error = (
                "Too many passwords were tried from your network. "
                "Try again in a few minutes."
            )
            self.status, self.retry_after = 429, self.PASSWORD_WINDOW
        elif article.opens_with(request.POST.get("password", "")):
            self.opened = True
        else:
            self.error = "That is not the password of this story."
            self.status = 403

    def _too_many(self, request):
        key = "reader-password-tries:" + client_address(request)
        try:
            cache.add(key, 0, timeout=self.PASSWORD_WINDOW)
            return cache.incr(key) > self.PASSWORD_TRIES
        except Exception:
            log_cache_error(logger, "Password tries not counted", level=logging.WARNING)
            return False


def redirect_former_url(request):
    """Redirect an address a live article used to have to its current one."""
    former = (
        FormerURL.objects.filter(path=request.path, article__in=Article.objects.live())
        .select_related("article__section")
        .first()
    )
    if former is None:
        raise Http404("No live article here.")
    return redirect(former.article.get_absolute_url(), permanent=True)


def article_short_url(request, pk):
    article = get_object_or_404(Article.objects.live().select_related("section"), pk=pk)
    return redirect(article.get_absolute_url(), permanent=True)


@never_cache
def shared_preview(request, token):
    """Show an unpublished article to someone holding a valid preview link."""
    try:
        data = signing.loads(token, salt="articles.preview-link")
        link_id = int(data["link"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Http404("No such preview.") from error
    link = PreviewLink.objects.select_related("article__section").filter(pk=link_id)
    link = link.first()
    if link is None or not link.is_usable():
        raise Http404("No such preview.")
    return render_preview(request, link.article)


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = teaser_page(request, Article.objects.live().tagged(tag).newest_first())
    if not page.object_list:
        # A tag used only on unpublished articles does not exist for readers.
        raise Http404("No live articles with this tag.")
    return TemplateResponse(
        request, "articles/tag_detail.html", {"tag": tag, "page_obj": page}
    )


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.live().by_author(author).newest_first()
    return TemplateResponse(
        request,
        "articles/author_detail.html",
        {"author": author, "page_obj": teaser_page(request, articles)},
    )


def search(request):
    form = SearchForm(request.GET or None)
    page = None
    terms = []
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        articles = Article.objects.live()
        if data["section"]:
            articles = articles.in_section(data["section"])
        if data["date_from"]:
            articles = articles.filter(publish_at__date__gte=data["date_from"])
        if data["date_to"]:
            articles = articles.filter(publish_at__date__lte=data["date_to"])
        results = search_articles(articles, data["q"]).select_related("section")
        page = paginate(request, results, counted=True)
        terms = query_terms(data["q"])
    response = TemplateResponse(
        request,
        "articles/search.html",
        {
            "form": form,
            "page_obj": page,
            "terms": terms,
            "query_string": _without_page(request),
        },
    )
    response["X-Robots-Tag"] = "noindex, follow"
    return response


def _without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class ArchiveMixin:
    date_field = "publish_at"
    month_format = "%m"
    paginate_by = 20
    paginator_class = UncountedPaginator
    allow_empty = False
    template_name = "articles/article_archive.html"

    def get_queryset(self):
        return Article.objects.live().for_teasers()


class YearArchive(ArchiveMixin, YearArchiveView):
    make_object_list = True


class MonthArchive(ArchiveMixin, MonthArchiveView):
    pass


class DayArchive(ArchiveMixin, DayArchiveView):
    pass


def front_page(request):
    """The front page as editors arranged it (frontpage.arrangement)."""
    blocks = front_page_blocks(request)
    return TemplateResponse(request, "sections/front_page.html", {"blocks": blocks})


def front_page_blocks(request):
    """Return the front page's arranged blocks, kept per content version in
    this process until the next scheduled change after they were arranged
    (an article's or a block's time, `pagecache.next_publication`): what is
    live changes then without a new version. Shared: read them only."""
    kept = per_content_version("front-page-blocks", dict, request=request)
    now = timezone.now()
    if kept and kept["from"] <= now and (kept["until"] is None or now < kept["until"]):
        return kept["blocks"]
    blocks = arrange(sections_by_id(request), now=now)
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return blocks
    try:
        version = request_content_version(request)
        until = next_publication(version, after=now.timestamp())
    except Exception:
        log_cache_error(logger, "Cache unavailable; the front page is not kept")
        return blocks
    kept["blocks"], kept["from"] = blocks, now
    kept["until"] = None if until is None else datetime.fromtimestamp(until, tz=UTC)
    return blocks


def section_detail(request, slug):
    # The sections kept per content version: no query (reading/display.py).
    sections = sections_by_id(request)
    section = section_with_slug(sections, slug)
    if section is None:
        raise Http404("No section here.")
    articles = Article.objects.live().in_section(section, sections=sections.values())
    return TemplateResponse(
        request,
        "sections/section_detail.html",
        {
            "section": section,
            "current_section_slug": section.navigation_slug(),
            "subsections": subsections(sections, section),
            "page_obj": teaser_page(request, articles.newest_first()),
        },
    )


BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|scan|monitor|"
    r"curl|wget|python-requests|httpx|go-http-client|java/|libwww|headless|"
    r"lighthouse|pingdom|uptime",
    re.IGNORECASE,
)


def is_bot(request):
    """Return True if the request looks automated rather than a reader's."""
    meta = request.META
    user_agent = meta.get("HTTP_USER_AGENT", "")
    prefetch = meta.get("HTTP_SEC_PURPOSE", "") or meta.get("HTTP_PURPOSE", "")
    return (
        not user_agent
        or bool(BOT_USER_AGENT.search(user_agent))
        or "prefetch" in prefetch
    )


def counted_address(request):
    """Return the address reads are counted by: the client's address, its
    /64 network for IPv6 (one subscriber's, which can hold countless
    addresses)."""
    address = client_address(request)
    if ":" in address:
        try:
            return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
        except ValueError:
            pass
    return address


def fingerprint(*parts, day):
    """Return a salted hash of `parts` for `day`.

    No cookie is set and no IP address is stored: the hash changes daily and
    cannot be reversed without the secret key.
    """
    material = "|".join([settings.SECRET_KEY, day.isoformat(), *map(str, parts)])
    return hashlib.sha256(material.encode()).hexdigest()


# The beacon changes no reader's data and must work from cached pages, which
# carry no per-reader CSRF token; it only ever adds one to a counter. It is
# the busiest URL of a site, so the WSGI entry point hands it here directly
# (reading/wsgi.py).
@csrf_exempt
@require_POST
@never_cache
def view_beacon(request):
    """Count one read of a live article, sent by static/js/view-beacon.js."""
    try:
        article_id = int(request.POST.get("article", ""))
    except ValueError:
        return HttpResponseBadRequest("article must be an article id")
    if article_id <= 0 or is_bot(request):
        return HttpResponse(status=204)
    day = timezone.localdate()
    address = counted_address(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    try:
        # Repeats are told by reader (address and browser); the daily cap
        # and the rate limit by address alone, whatever browsers it claims.
        outcome = counting.record_read(
            reader=fingerprint(address, user_agent, article_id, day=day),
            address=fingerprint(address, article_id, day=day),
            client=fingerprint(address, "rate", day=day),
            day=day,
            article_id=article_id,
        )
    except Exception:
        # Counting must never break a reader's page: with the cache down, the
        # read is dropped (logged) rather than risk counting repeats.
        log_cache_error(logger, "Could not record a read of article %s", article_id)
        return HttpResponse(status=204)
    return HttpResponse(status=429 if outcome == counting.LIMITED else 204)
