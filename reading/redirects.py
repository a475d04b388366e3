"""Old addresses that no URL pattern of the site matches, answered with a 301
to the article's current address in one hop.

Articles keep their former addresses as `FormerURL` rows (a changed slug,
section or date, or a site moved in: WordPress's `/2013/01/10/slug/`,
`/slug/` and `/?p=123`). An old address shaped like an article's is
redirected by the article view itself; this middleware catches the others:
a `?p=<id>` query on any path (the front page would answer it), looked up
before the page cache, and any other path only once the site has answered
it with a 404. A normal page costs one string test.

Files moved into the file library from WordPress keep their upload address
(`/wp-content/uploads/2019/05/interview.mp3`) as a `FormerFileURL`; a 404
for an address with a file extension is looked up there and answered with a
301 to the file.
"""

import logging
import re

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect

from articles.models import Article, FormerURL
from attachments.models import Attachment

POST_QUERY = re.compile(r"(?:^|&)p=(\d+)(?:&|$)")


logger = logging.getLogger(__name__)


def former_article(path):
    """Return the live article that used to be at `path`, or None (also when
    the database cannot be asked: the page cache answers for the page)."""
    former = _first(
        FormerURL.objects.filter(
            path=path, article__in=Article.objects.live()
        ).select_related("article__section"),
        path,
    )
    return former.article if former else None


def former_file(path):
    """Return the library file that used to be at `path`, or None."""
    if "." not in path.rsplit("/", 1)[-1]:
        return None  # Only an address with an extension can be a file's.
    return _first(Attachment.objects.formerly_at(path), path)


def _first(queryset, path):
    try:
        return queryset.first()
    except DatabaseError as error:
        logger.warning("Former address %s not looked up: %s", path, error)
        return None


class FormerURLMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        if "p=" in query and (found := POST_QUERY.search(query)):
            article = former_article(f"{request.path}?p={found[1]}")
            if article is not None:
                return HttpResponsePermanentRedirect(article.get_absolute_url())
        response = self.get_response(request)
        if response.status_code == 404:
            article = former_article(request.path)
            if article is not None:
                return HttpResponsePermanentRedirect(article.get_absolute_url())
            attachment = former_file(request.path)
            if attachment is not None:
                return HttpResponsePermanentRedirect(attachment.file.url)
        return response
