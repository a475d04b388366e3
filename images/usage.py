"""Where library images are used: asked by the image library, answered by
the apps that use images (images imports no other app).

An app that shows library images to readers registers a check with
`register_public_use`; `is_seen_by_readers(image)` asks them all. The image
admin uses it to keep images that readers see (or are about to) out of
reach of writers' changes.
"""

_public_use_checks = []


def register_public_use(check):
    """Register `check(image) -> bool`: True if readers see the image (or
    will, at a scheduled time) through the registering app."""
    if check not in _public_use_checks:
        _public_use_checks.append(check)
    return check


def is_seen_by_readers(image):
    return any(check(image) for check in _public_use_checks)
