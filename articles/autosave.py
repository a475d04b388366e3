"""Autosave: the article form's unsaved changes, kept for their editor.

While an editor types, the edit page posts the whole form here every few
seconds of idle typing, and once more when the tab goes away. It is stored as
the editor's WorkingCopy of the article, never on the article: nothing is
validated, published or shown to anyone else. Opening the article again
offers the changes back, naming the fields that differ from the saved
article; restoring puts them in the form (the save that follows goes through
the usual checks, the merge with colleagues' saves included). A save of the
article, or discarding, removes the working copy.
"""

from django.http import QueryDict
from django.utils import timezone

from .models import WorkingCopy

# What a browser posts that is not the form's content.
NOT_CONTENT = {
    "csrfmiddlewaretoken",
    "_transition",
    "_save",
    "_continue",
    "_addanother",
    "_restore_autosave",
}
# A working copy larger than this is refused: no article form is that big.
MAX_BYTES = 2_000_000
RESTORE_MARKER = "_restore_autosave"


class TooLarge(ValueError):
    pass


def store(user, article, posted):
    """Keep the posted form as the user's working copy of `article` (None for
    a new article); return it."""
    data = {name: posted.getlist(name) for name in posted if name not in NOT_CONTENT}
    if sum(len(value) for values in data.values() for value in values) > MAX_BYTES:
        raise TooLarge("The form is too large to keep.")
    copy, _ = WorkingCopy.objects.update_or_create(
        user=user,
        article=article,
        defaults={"data": data, "saved_at": timezone.now()},
    )
    return copy


def find(user, article):
    return WorkingCopy.objects.filter(user=user, article=article).first()


def discard(user, article):
    WorkingCopy.objects.filter(user=user, article=article).delete()


def as_posted(copy):
    """The working copy as a browser would post it, marked as a restore."""
    posted = QueryDict(mutable=True)
    for name, values in copy.data.items():
        posted.setlist(name, [str(value) for value in values])
    posted[RESTORE_MARKER] = "1"
    return posted


def is_restore(data):
    return data.get(RESTORE_MARKER) == "1"


def differences(copy, form_class, article):
    """Return the labels of the form fields in which the working copy
    differs from the article as saved (or, for a new one, from a blank form)."""
    form = form_class(data=as_posted(copy), instance=article, check_conflicts=False)
    return [str(form[name].label) for name in form.changed_data]
