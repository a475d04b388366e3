"""The address a request comes from, for counting reads and sign-in failures."""

from django.conf import settings


def client_address(request):
    """Return the client's address: REMOTE_ADDR, or behind a load balancer
    the address NEWSROOM_CLIENT_IP_HEADER (e.g. X-Forwarded-For) names.

    Such a header is a list that each proxy appends the address it was
    reached from to, and whatever the client sent comes first; so the
    address is taken NEWSROOM_CLIENT_IP_PROXIES entries from the end (the one
    the trusted proxies saw), never from the start, which anyone can forge.
    """
    meta = request.META
    header = settings.NEWSROOM_CLIENT_IP_HEADER
    if header and meta.get(header):
        addresses = [part.strip() for part in meta[header].split(",")]
        return addresses[-min(settings.NEWSROOM_CLIENT_IP_PROXIES, len(addresses))]
    return meta.get("REMOTE_ADDR", "")
