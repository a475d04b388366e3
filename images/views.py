from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.static import serve

YEAR = 365 * 24 * 3600


def media_file(request, path):
    """Serve an uploaded file from MEDIA_ROOT (NEWSROOM_SERVE_MEDIA sites only).

    Library originals and renditions get a new name whenever their content
    changes, so browsers and CDNs may keep them for a year.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.startswith("images/"):
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
