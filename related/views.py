import hashlib
import logging
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import counting

logger = logging.getLogger(__name__)

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


def reader_fingerprint(request, article_id, *, day):
    """Return a salted hash naming one reader and article for `day`.

    No cookie is set and no IP address is stored: the hash changes daily and
    cannot be reversed without the secret key.
    """
    address = request.META.get("REMOTE_ADDR", "")
    header = settings.NEWSROOM_CLIENT_IP_HEADER
    if header and request.META.get(header):
        address = request.META[header].split(",")[0].strip()
    material = "|".join(
        [
            settings.SECRET_KEY,
            day.isoformat(),
            address,
            request.META.get("HTTP_USER_AGENT", ""),
            str(article_id),
        ]
    )
    return hashlib.sha256(material.encode()).hexdigest()


# The beacon changes no reader's data and must work from cached pages, which
# carry no per-reader CSRF token; it only ever adds one to a counter. It is
# the busiest URL of a site, so the WSGI entry point hands it here directly
# (related/wsgi.py).
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
    try:
        outcome = counting.record_read(
            reader=reader_fingerprint(request, article_id, day=day),
            client=reader_fingerprint(request, "rate", day=day),
            day=day,
            article_id=article_id,
        )
    except Exception:
        # Counting must never break a reader's page: with the cache down, the
        # read is dropped (logged) rather than risk counting repeats.
        logger.exception("Could not record a read of article %s", article_id)
        return HttpResponse(status=204)
    return HttpResponse(status=429 if outcome == counting.LIMITED else 204)
