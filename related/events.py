"""What the related app announces, for apps above it (the reader's side)."""

from django.dispatch import Signal

# Sent inside the transaction when what the stored related lists of
# `article_ids` show may have changed (None: any list): a list was stored or
# forgotten, or an article a list holds changed its headline, address, status
# or time, or is being deleted (`without`). The reader's side copies them
# and moves the content version.
related_list_stored = Signal()
