from django.urls import reverse

from .views import view_beacon


class ViewBeaconMiddleware:
    """Answer the view beacon first, without the rest of the middleware.

    The beacon reads no session, sets no cookie and renders nothing, so the
    session, CSRF, authentication, message and security-header middleware
    would only cost time on the busiest URL of the site. `view_beacon` keeps
    its own checks (POST only, no caching, CSRF-exempt by design).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:
            self.path = reverse("related:view-beacon")
        if request.path == self.path:
            return view_beacon(request)
        return self.get_response(request)
