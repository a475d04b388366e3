"""The view beacon, answered at the WSGI entry point.

The beacon is the busiest URL of a news site: every page view sends one. It
reads no session, sets no cookie, touches no database and renders nothing, so
Django's request cycle (its signals, which check database connections, and
the session, CSRF, authentication and security-header middleware) would only
cost time. `ViewBeaconApplication` wraps the site's WSGI application and hands
beacon POSTs straight to `view_beacon`; every other request, including a GET
of the beacon's address, goes to Django as usual.

What the beacon gives up is harmless for it: the Host header is not checked
against ALLOWED_HOSTS (nothing is built from it) and a beacon over plain HTTP
is counted rather than redirected (the page that sends it came over HTTPS).
"""

from django.conf import settings
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest
from django.urls import reverse

from .views import view_beacon


class ViewBeaconApplication:
    def __init__(self, application):
        self.application = application
        self.path = reverse("related:view-beacon")
        # The one header of the middleware it skips that every answer carries.
        self.permissions_policy = settings.PERMISSIONS_POLICY

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or (
            environ.get("PATH_INFO") != self.path
        ):
            return self.application(environ, start_response)
        request = WSGIRequest(environ)
        try:
            response = view_beacon(request)
        except Exception as error:
            # As Django would: 400 for bad input, a logged 500 otherwise.
            response = response_for_exception(request, error)
        response["Content-Length"] = str(len(response.content))
        if self.permissions_policy:
            response["Permissions-Policy"] = self.permissions_policy
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            list(response.items()),
        )
        return [response.content]
