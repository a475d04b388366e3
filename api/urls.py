from functools import wraps

from django.http import JsonResponse
from django.urls import path, re_path

from . import views


def _json_method_not_allowed(view):
    """Answer other methods than GET with a JSON 405, like every API error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            return JsonResponse(
                {"detail": "Method not allowed"},
                status=405,
                headers={"Allow": response["Allow"]},
            )
        return response

    return wrapper


api_patterns, *api_names = views.api.urls
for pattern in api_patterns:
    pattern.callback = _json_method_not_allowed(pattern.callback)

urlpatterns = [
    path("api/v1/", (api_patterns, *api_names)),
    # Any other address under /api/v1/ ending in a slash: a JSON 404, not the
    # site's HTML page. Addresses without the slash first get one appended.
    re_path(r"^api/v1/.*/$", views.unknown_endpoint),
]
