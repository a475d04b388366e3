from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} editorial"
admin.site.site_title = settings.NEWSROOM_SITE_NAME

# A database out of reach answers 503 with Retry-After, never 500.
handler500 = "reading.pagecache.server_error"

urlpatterns = [
    # The editors' dashboard, inside the admin (before its catch-all).
    path("admin/dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path(
        "favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)
    ),
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt", content_type="text/plain; charset=utf-8"
        ),
        name="robots",
    ),
    path("", include("api.urls")),
    # The public pages, feeds and sitemaps; section fronts answer any
    # remaining single-slug path, so they come last.
    path("", include("reading.urls")),
]

if settings.NEWSROOM_SERVE_MEDIA:
    # Uploaded images from MEDIA_ROOT, for development and single-server sites.
    urlpatterns.insert(0, path("", include("images.urls")))
