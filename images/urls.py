"""Media files served by Django itself, when NEWSROOM_SERVE_MEDIA is on.

Included by newsroom/urls.py only then; otherwise the web server, or S3-compatible
storage and a CDN, serve MEDIA_URL.
"""

import re

from django.conf import settings
from django.urls import re_path

from . import views

prefix = settings.MEDIA_URL.lstrip("/")

urlpatterns = (
    [re_path(rf"^{re.escape(prefix)}(?P<path>.+)$", views.media_file, name="media")]
    if prefix and "://" not in settings.MEDIA_URL
    else []
)
