"""Where library files are used: asked by the file library, answered by the
apps that link to files (attachments imports no other app), as images/usage.py
does for pictures.

An app that shows library files to readers registers a check with
`register_public_use`; `Attachment.is_seen_by_readers()` asks them all. The
file admin uses it to keep files that readers see (or are about to) out of
reach of writers' changes.
"""

from newsroom.libraries import PublicUses

uses = PublicUses()
register_public_use = uses.register
