"""Merging a save based on an outdated copy with what was saved meanwhile.

Three versions of every form field meet: the *base* (the article as the
editor opened it, found in its revisions by `edit_version`), *theirs* (the
article as saved now) and *mine* (what the editor's form posts). A field only
one side changed takes that side's value on its own; a field both changed,
differently, is a conflict the editor settles by choosing, per field, which
version to keep. Nothing a colleague saved is dropped without that choice.

The form (articles/forms.py) drives it: a stale save is refused with the
merge screen, whose form carries the base version on (`merge_base`) so the
next save is merged against the same base, and is refused again while a
conflict has no choice.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.utils import timezone

from .html import html_to_text
from .models import Article
from .revisions import snapshot, versions_of

MINE, THEIRS = "mine", "theirs"
CHOICE_PREFIX = "merge_choice_"

# How far back the base of a merge is looked for among the revisions.
BASE_SEARCH_DEPTH = 200


@dataclass
class Conflict:
    name: str
    label: str
    mine: str
    theirs: str
    choice: str = ""

    @property
    def choice_name(self):
        return f"{CHOICE_PREFIX}{self.name}"


@dataclass
class Merge:
    """What merging the editor's form with the saved article found."""

    base_version: int
    base_found: bool
    taken: list = field(default_factory=list)  # fields only theirs changed
    conflicts: list = field(default_factory=list)

    def unresolved(self):
        return [c for c in self.conflicts if c.choice not in {MINE, THEIRS}]

    def names_taking_theirs(self):
        chosen = [c.name for c in self.conflicts if c.choice == THEIRS]
        return [name for name, _ in self.taken] + chosen

    def taken_labels(self):
        return [str(label) for _, label in self.taken]


def merge(form, current, base_version):
    """Compare the bound `form` with `current` on the base `base_version`.

    Returns a Merge: the fields only the colleague changed, and the fields
    both changed, each with the choice the form posted for it, if any.
    """
    names = [name for name, _ in merged_fields(form)]
    base = base_values(current, base_version, names)
    result = Merge(base_version=base_version, base_found=base is not None)
    for name, bound in merged_fields(form):
        theirs = value_of(current, name)
        posted = bound.data
        if not bound.field.has_changed(theirs, posted):
            continue  # the form already holds what is saved
        mine_changed = base is None or bound.field.has_changed(base[name], posted)
        theirs_changed = base is None or not same(theirs, base[name])
        if theirs_changed and not mine_changed:
            result.taken.append((name, bound.label))
        elif theirs_changed:
            mine = form.cleaned_data.get(name, posted)
            result.conflicts.append(
                Conflict(
                    name=name,
                    label=str(bound.label),
                    mine=shown(bound.field, mine),
                    theirs=shown(bound.field, theirs),
                    choice=form.data.get(f"{CHOICE_PREFIX}{name}", ""),
                )
            )
    return result


def apply(form, result, current):
    """Put the colleague's values the merge takes into the form: into its
    data (as the merge screen shows them) and its cleaned data (as a save
    stores them)."""
    data = form.data.copy()
    for name in result.names_taking_theirs():
        value = value_of(current, name)
        data.update(encoded(form, name, value))
        if isinstance(form.fields[name].widget, forms.CheckboxInput) and not value:
            data.pop(form.add_prefix(name), None)
        form.cleaned_data[name] = cleaned_value(current, name)
    form.data = data


def merged_fields(form):
    """The form's fields that hold the article's own values (the form's
    bookkeeping, e.g. loaded_version, is not the article's)."""
    for name, form_field in form.fields.items():
        if name in ARTICLE_FIELDS and not form_field.disabled:
            yield name, form[name]


# The article's fields by name, m2m (tags) included.
ARTICLE_FIELDS = {model_field.name for model_field in Article._meta.get_fields()}


def base_values(current, base_version, names):
    """Return the form values of the article at `base_version`, or None when
    that revision is no longer found (then every difference is a conflict)."""
    for version in versions_of(current)[:BASE_SEARCH_DEPTH]:
        fields = version.field_dict
        if fields.get("edit_version") != base_version:
            continue
        concrete = Article._meta.concrete_fields
        base = Article(**{f.attname: fields.get(f.attname) for f in concrete})
        values = {name: value_of(base, name) for name in names if name != "tags"}
        tag_ids = snapshot(version)["tag_ids"]
        values["tags"] = list(
            Article.tags.through.tag_model().objects.filter(pk__in=tag_ids)
        )
        return values
    return None


def value_of(article, name):
    """The article's value of a form field, as the form's initial holds it."""
    if name == "tags":
        if article.pk is None:
            return []
        return list(article.tags.all())
    model_field = Article._meta.get_field(name)
    value = getattr(article, model_field.attname)
    if isinstance(value, datetime):  # the form shows whole seconds
        value = value.replace(microsecond=0)
    return value


def cleaned_value(article, name):
    """The article's value of a form field, as the form's cleaned data holds it."""
    if name == "tags":
        return sorted(article.tags.names())
    return getattr(article, name)


def same(one, other):
    if isinstance(one, list) or isinstance(other, list):
        return sorted(t.name for t in one or []) == sorted(t.name for t in other or [])
    return (one or "") == (other or "") if not isinstance(one, bool) else one == other


def shown(form_field, value):
    """A value as the merge screen shows it side by side: readable text."""
    if isinstance(form_field, forms.ModelChoiceField):
        pk = getattr(value, "pk", value)
        found = form_field.queryset.filter(pk=pk).first() if pk else None
        return str(found) if found else "(none)"
    if isinstance(value, list):  # tags: Tag objects saved, names posted
        return ", ".join(sorted(getattr(tag, "name", tag) for tag in value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value or "")
    return html_to_text(text) if "<" in text else text


def encoded(form, name, value):
    """Return form data entries that post `value` for the field `name`, as a
    browser would after the value was put in the form."""
    bound = form[name]
    form_field = bound.field
    widget = form_field.widget
    html_name = bound.html_name
    prepared = form_field.prepare_value(value)
    if isinstance(widget, forms.MultiWidget):
        if isinstance(prepared, datetime):
            prepared = timezone.localtime(prepared)
        parts = widget.decompress(prepared)
        return {
            f"{html_name}{suffix}": sub.format_value(part) or ""
            for suffix, sub, part in zip(
                widget.widgets_names, widget.widgets, parts, strict=True
            )
        }
    if isinstance(widget, forms.CheckboxInput):
        return {html_name: "on"} if value else {}
    formatted = widget.format_value(prepared)
    if isinstance(formatted, list):  # choice widgets list their selected values
        formatted = formatted[0] if formatted else ""
    return {html_name: "" if formatted is None else str(formatted)}
