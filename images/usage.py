"""Where library images are used: asked by the image library, answered by
the apps that use images (images imports no other app).

An app that shows library images to readers registers a check with
`register_public_use`; `Image.is_seen_by_readers()` asks them all. The image
admin uses it to keep images that readers see (or are about to) out of
reach of writers' changes.
"""

from newsroom.libraries import PublicUses

uses = PublicUses()
register_public_use = uses.register
