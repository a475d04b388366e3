"""The site's URLs plus `/__bench__/bare/`: the framework's own limit.

The bare view returns a fixed HTML page of `BENCH_BARE_BYTES` bytes (the size
of an article page, measured by bench/inprocess.py) through the same
middleware, settings and gunicorn workers as the real pages, with no database
query and no template: what Django itself costs for a page of that size.
"""

import os

from django.http import HttpResponse
from django.urls import include, path

BARE_PATH = "__bench__/bare/"
HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>Bare Django view</title></head><body><main><h1>Bare Django view</h1><p>"
)
TAIL = "</p></main></body></html>\n"
FILLER = "All the news that fits in a fixed number of bytes. "


def bare_page(size):
    """Return a valid HTML page of exactly `size` bytes (or the shortest one)."""
    room = max(size - len(HEAD) - len(TAIL), 0)
    text = (FILLER * (room // len(FILLER) + 1))[:room]
    return (HEAD + text + TAIL).encode()


PAGE = bare_page(int(os.environ.get("BENCH_BARE_BYTES", "50000")))


def bare(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [
    path(BARE_PATH, bare, name="bench-bare"),
    path("", include("newsroom.urls")),
]
