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

The rows of the inlines (byline, corrections, hand-picked links) are merged
by the same rule, row by row and field by field: their base is the values
each row was opened with, which the form posts back hidden (Django's hidden
initial values, see `MergedRows`), *theirs* the row as saved now, *mine* the
row as posted. Rows a colleague added or removed are taken into the form
like their fields; a row one of them removed and the other changed is a
conflict, as is a field of a row both changed differently. Django's admin
builds the article form and its inline formsets on the same article
instance and validates the form first: the form's merge finds the formsets
there and rewrites their data before they are validated, so the merge
screen shows the rows as the next save stores them.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator

from .html import html_to_text
from .models import Article
from .revisions import snapshot, versions_of

MINE, THEIRS, CONFLICT = "mine", "theirs", "conflict"
CHOICE_PREFIX = "merge_choice_"
# The editor's version of an inline row a colleague removed, posted back by
# the merge screen until the editor chooses whether to keep it.
CARRIED_PREFIX = "merge_row_"
# Where the article's inline formsets wait for the form's merge.
FORMSETS = "_merged_row_formsets"

# How far back the base of a merge is looked for among the revisions.
BASE_SEARCH_DEPTH = 200


@dataclass
class Conflict:
    name: str
    label: str
    mine: str
    theirs: str
    choice: str = ""
    # (name, value) pairs the merge screen posts back hidden with the choice.
    carried: list = field(default_factory=list)

    @property
    def choice_name(self):
        return f"{CHOICE_PREFIX}{self.name}"


@dataclass
class Merge:
    """What merging the editor's form with the saved article found."""

    base_version: int
    base_found: bool
    taken: list = field(default_factory=list)  # fields only theirs changed
    conflicts: list = field(default_factory=list)  # fields both changed
    rows: list = field(default_factory=list)  # a RowsMerge per inline formset

    def every_conflict(self):
        return self.conflicts + [c for rows in self.rows for c in rows.conflicts()]

    def unresolved(self):
        return [c for c in self.every_conflict() if c.choice not in {MINE, THEIRS}]

    def names_taking_theirs(self):
        chosen = [c.name for c in self.conflicts if c.choice == THEIRS]
        return [name for name, _ in self.taken] + chosen

    def taken_labels(self):
        fields = [str(label) for _, label in self.taken]
        return fields + [label for rows in self.rows for label in rows.taken]


@dataclass
class Row:
    """An inline row as the merge leaves it in the form.

    Its form entries are keyed by (kind, name) without the row's prefix,
    e.g. ("", "author") or ("initial-", "published_at_0"), each a list of
    values; None when the row is not in the form (a colleague removed it).
    """

    entries: dict | None
    saved: bool  # a saved row (one of the formset's initial forms) or new
    label: str = ""
    taken: str = ""  # what of the colleague's it takes: added, changed, removed
    conflict: Conflict | None = None
    # The entries a conflict settled their way puts in; None: their way is
    # without the row.
    theirs: dict | None = None

    def kept_entries(self):
        """Return the row's entries as the editor's choice leaves them, or
        None when the row is not in the form."""
        choice = self.conflict.choice if self.conflict else MINE
        if choice == THEIRS:
            return None if self.theirs is None else {**self.entries, **self.theirs}
        if self.conflict and not self.saved and choice != MINE:
            return None  # carried by the merge screen until the editor chooses
        return self.entries


@dataclass
class RowsMerge:
    """What merging one inline formset's posted rows with the saved ones found."""

    formset: object
    rows: list = field(default_factory=list)  # saved rows first, in their order

    @property
    def taken(self):
        return [f"{row.label} ({row.taken})" for row in self.rows if row.taken]

    def conflicts(self):
        return [row.conflict for row in self.rows if row.conflict]


def merge(form, current, base_version):
    """Compare the bound `form` with `current` on the base `base_version`.

    Returns a Merge: the fields only the colleague changed, and the fields
    both changed, each with the choice the form posted for it, if any; and
    likewise the rows of the article's inline formsets.
    """
    names = [name for name, _ in merged_fields(form)]
    base = base_values(current, base_version, names)
    result = Merge(base_version=base_version, base_found=base is not None)
    for name, bound in merged_fields(form):
        theirs = value_of(current, name)
        posted = bound.data
        decided = decide(
            same=not bound.field.has_changed(theirs, posted),
            mine_changed=base is None or bound.field.has_changed(base[name], posted),
            theirs_changed=base is None or not same(theirs, base[name]),
        )
        if decided == THEIRS:
            result.taken.append((name, bound.label))
        elif decided == CONFLICT:
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
    formsets = vars(form.instance).get(FORMSETS, [])
    result.rows = [merge_rows(formset, form.data) for formset in formsets]
    return result


def decide(*, same, mine_changed, theirs_changed):
    """The rule of the merge, for a field or a field of an inline row.

    Return None when the form already holds what is saved (`same`) or only
    the editor changed it; THEIRS when only the colleague changed it (their
    value is taken); CONFLICT when both changed it, differently (the editor
    chooses). Where the base is lost, both count as changed.
    """
    if same or not theirs_changed:
        return None
    return CONFLICT if mine_changed else THEIRS


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
    for rows in result.rows:
        apply_rows(rows)


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


def value_of(instance, name):
    """The value of a form field on the article (or one of its inline rows),
    as the form's initial holds it."""
    if name == "tags":
        if instance.pk is None:
            return []
        return list(instance.tags.all())
    model_field = instance._meta.get_field(name)
    value = getattr(instance, model_field.attname)
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
    if isinstance(form_field, forms.ChoiceField):  # its label, not its value
        return str(dict(form_field.choices).get(value, value))
    if isinstance(value, list):  # tags: Tag objects saved, names posted
        return ", ".join(sorted(getattr(tag, "name", tag) for tag in value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value or "")
    return html_to_text(text) if "<" in text else text


def encoded(form, name, value, *, initial=False):
    """Return form data entries that post `value` for the field `name`, as a
    browser would after the value was put in the form (with `initial`: as
    the field's hidden initial value)."""
    bound = form[name]
    form_field = bound.field
    widget = form_field.hidden_widget() if initial else form_field.widget
    html_name = bound.html_initial_name if initial else bound.html_name
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


# Inline rows ------------------------------------------------------------------


class MergedRows:
    """An inline formset of the article form that takes part in its merge.

    Each row, when shown, posts back hidden the values it was opened with:
    the base of its merge (show_bases()).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The article form is built first, on the same instance, and merges
        # the rows when it is validated, before the formsets are (merge()).
        vars(self.instance).setdefault(FORMSETS, []).append(self)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if not form.is_bound:  # a row as opened, or the template of new ones
            show_base(self, form)

    def show_bases(self):
        """Let the posted rows, shown again, post back their base."""
        for form in self.forms:
            show_base(self, form)


def show_base(formset, form):
    """Show the values the row was opened with, hidden (Django's hidden
    initial values), when it is rendered; not before validation, as Django
    then compares a row with them rather than with the saved row, and
    looks up the related row each names (a query a row).

    A row posted without them (from a page opened before they were there)
    is left without: its base is lost, not taken to be what it posts.
    """
    for name in row_fields(formset):
        bound = form[name]
        hidden = bound.field.hidden_widget()
        if not form.is_bound or not hidden.value_omitted_from_data(
            form.data, form.files, bound.html_initial_name
        ):
            bound.field.show_hidden_initial = True


def with_merged_rows(formset_class):
    """Return the inline formset class, taking part in the article's merge."""
    return type(formset_class.__name__, (MergedRows, formset_class), {})


def merge_rows(formset, posted):
    """Compare an inline formset's posted rows with the rows saved now.

    `posted` is the article form's data: the merge screen's choices, and
    the rows it carries. The saved rows come first, in the formset's order
    (the admin pairs its forms with them), then the editor's new rows.
    """
    result = RowsMerge(formset)
    counts = posted_counts(formset)
    if counts is None:
        return result  # no management form: the formset says so
    total, initial = counts
    opened, new = {}, []
    for index in range(total):
        entries = row_entries(formset.data, formset.prefix, index)
        pk = first(entries.get(("", formset.model._meta.pk.name)))
        if index < initial and pk:
            opened[pk] = entries
        elif index >= initial:
            new.append(entries)
    added = []
    for saved in formset.get_queryset():
        if entries := opened.pop(str(saved.pk), None):
            result.rows.append(merged_row(formset, saved, entries, posted))
            continue
        row = Row(saved_entries(formset, saved), saved=True, taken="added")
        row.label = row_label(formset, row.entries)
        result.rows.append(row)
        added.append(signature(formset, row.entries))
    for pk, entries in [*opened.items(), *carried_rows(formset, posted)]:
        result.rows.append(removed_row(formset, pk, entries, posted))
    result.rows += [
        Row(entries, saved=False)
        for entries in new
        if signature(formset, entries) not in added  # both added it
    ]
    return result


def merged_row(formset, saved, entries, posted):
    """Merge a row the editor opened that is still saved, field by field."""
    mine = bound_row(formset, entries)
    their_entries = field_entries(formset, saved)
    theirs = bound_row(formset, flat(their_entries))
    row = Row(dict(entries), saved=True)
    conflicting, changed_by_them = [], False
    for name in row_fields(formset):
        mine_value = posted_value(mine[name])
        if mine_value is None:
            continue  # not in the form: the editor may only read the row
        base = posted_value(mine[name], initial=True)
        saved_value = posted_value(theirs[name])
        changed_by_them |= base != saved_value
        decided = decide(
            same=mine_value == saved_value,
            mine_changed=base is None or base != mine_value,
            theirs_changed=base is None or base != saved_value,
        )
        if decided == THEIRS:
            row.entries.update(their_entries[name])
            row.taken = "changed"
        elif decided == CONFLICT:
            conflicting.append(name)
    if is_deleted(formset, entries) and changed_by_them:
        # Removed by the editor, changed by the colleague.
        row = Row(dict(entries), saved=True)
        row.theirs = {**flat(their_entries), ("", DELETION_FIELD_NAME): []}
        mine_text = "(removed)"
    elif conflicting:
        row.theirs = {
            key: values
            for name in conflicting
            for key, values in their_entries[name].items()
        }
        mine_text = row_text(mine)
    if row.taken or row.theirs is not None:
        row.label = row_label(formset, flat(their_entries))
    if row.theirs is not None:
        name = f"{formset.prefix}-{saved.pk}"
        row.conflict = Conflict(
            name=name,
            label=row.label,
            mine=mine_text,
            theirs=row_text(theirs),
            choice=posted.get(f"{CHOICE_PREFIX}{name}", ""),
        )
    return row


def removed_row(formset, pk, entries, posted):
    """A row the editor opened that the colleague removed: gone from the form,
    unless the editor changed it, which is a conflict. The editor's version
    is then carried by the merge screen, and added back if chosen."""
    if is_deleted(formset, entries):
        return Row(None, saved=False)  # both removed it
    mine = bound_row(formset, entries)
    label = row_label(formset, entries)
    changed = any(
        posted_value(mine[name], initial=True) != value
        for name in row_fields(formset)
        if (value := posted_value(mine[name])) is not None
    )
    if not changed:
        return Row(None, saved=False, label=label, taken="removed")
    own = {
        (kind, name): values
        for (kind, name), values in entries.items()
        if kind == "" and name in row_entry_names(formset, mine)
    }
    name = f"{formset.prefix}-{pk}"
    return Row(
        own,
        saved=False,
        label=label,
        conflict=Conflict(
            name=name,
            label=label,
            mine=row_text(mine),
            theirs="(removed)",
            choice=posted.get(f"{CHOICE_PREFIX}{name}", ""),
            carried=[
                (f"{CARRIED_PREFIX}{name}-{entry}", value)
                for (_, entry), values in own.items()
                for value in values
            ],
        ),
    )


def apply_rows(result):
    """Put the merged rows in the formset's data, as the merge screen shows
    them and the save stores them: the saved rows as the formset's initial
    forms, in its order, then the new ones."""
    formset = result.formset
    if posted_counts(formset) is None:
        return
    prefix = formset.prefix
    rows = []
    for row in result.rows:
        if (entries := row.kept_entries()) is None:
            continue
        if row.conflict and not row.saved:
            row.conflict.carried = []  # in the form now: no longer carried
        rows.append((row.saved, entries))
    data = QueryDict(mutable=True)
    one_row = re.compile(rf"(initial-)?{re.escape(prefix)}-\d+-")
    for key in formset.data:
        if not one_row.match(key):
            data.setlist(key, formset.data.getlist(key))
    for index, (_, entries) in enumerate(rows):
        for (kind, name), values in entries.items():
            if values:
                data.setlist(f"{kind}{prefix}-{index}-{name}", values)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(sum(saved for saved, _ in rows))
    formset.data = data


def row_fields(formset):
    """The names of the fields of a row that hold its own values."""
    return [
        name
        for name, form_field in formset.form.base_fields.items()
        if not form_field.disabled
    ]


def posted_counts(formset):
    """Return (total, initial) rows as posted, or None if not posted right."""
    try:
        total = int(formset.data[f"{formset.prefix}-TOTAL_FORMS"])
        initial = int(formset.data[f"{formset.prefix}-INITIAL_FORMS"])
    except (KeyError, ValueError):
        return None
    return min(total, formset.absolute_max), initial


def row_entries(data, prefix, index):
    """Return the entries posted for a row of the formset, by (kind, name)."""
    entries = {}
    for key in data:
        for kind in ["", "initial-"]:
            head = f"{kind}{prefix}-{index}-"
            if key.startswith(head):
                entries[kind, key.removeprefix(head)] = data.getlist(key)
    return entries


def carried_rows(formset, posted):
    """The rows the merge screen carries for the formset: (pk, entries)."""
    rows = {}
    head = f"{CARRIED_PREFIX}{formset.prefix}-"
    for key in posted:
        if key.startswith(head):
            pk, _, name = key.removeprefix(head).partition("-")
            rows.setdefault(pk, {})["", name] = posted.getlist(key)
    return list(rows.items())


def bound_row(formset, entries):
    """A form of the formset's kind holding a row's entries, to read them."""
    prefix = formset.add_prefix("merged")
    data = QueryDict(mutable=True)
    for (kind, name), values in entries.items():
        data.setlist(f"{kind}{prefix}-{name}", values)
    return formset.form(data=data, prefix=prefix)


def field_entries(formset, saved):
    """Return, per field, the entries that post a saved row's value, shown
    and as the value it was opened with."""
    form = formset.form(prefix=formset.add_prefix("merged"))
    head = len(form.prefix) + 1
    fields = {}
    for name in row_fields(formset):
        value = value_of(saved, name)
        # An unticked checkbox posts nothing: its entry is cleared.
        fields[name] = {("", name): []}
        for key, text in encoded(form, name, value).items():
            fields[name]["", key[head:]] = [text]
        for key, text in encoded(form, name, value, initial=True).items():
            fields[name]["initial-", key[len("initial-") + head :]] = [text]
    return fields


def saved_entries(formset, saved):
    """Return the entries that post a saved row as it is."""
    parent = getattr(formset.instance, formset.fk.remote_field.field_name)
    return {
        ("", formset.model._meta.pk.name): [str(saved.pk)],
        ("", formset.fk.name): [str(parent)],
        **flat(field_entries(formset, saved)),
    }


def flat(by_field):
    return {
        key: values for entries in by_field.values() for key, values in entries.items()
    }


def posted_value(bound, *, initial=False):
    """Return a row field's value as posted, comparable with another posted
    the same way, or None when the row does not post it."""
    form_field = bound.field
    widget = form_field.hidden_widget() if initial else form_field.widget
    name = bound.html_initial_name if initial else bound.html_name
    data, files = bound.form.data, bound.form.files
    if widget.value_omitted_from_data(data, files, name):
        return None
    return comparable(widget.value_from_datadict(data, files, name))


def comparable(value):
    if isinstance(value, list | tuple):
        return tuple(comparable(part) for part in value)
    # Browsers post line breaks as CR LF; what is typed has no edges.
    return str("" if value is None else value).replace("\r\n", "\n").strip()


def signature(formset, entries):
    """A row's values, to find a row both added."""
    form = bound_row(formset, entries)
    return tuple(posted_value(form[name]) for name in row_fields(formset))


def is_deleted(formset, entries):
    """Return True if the row's "Delete?" box is ticked (and counts)."""
    ticked = entries.get(("", DELETION_FIELD_NAME))
    return formset.can_delete and forms.CheckboxInput().value_from_datadict(
        {"ticked": first(ticked)} if ticked else {}, {}, "ticked"
    )


def first(values):
    return values[0] if values else None


def row_entry_names(formset, form):
    """The entry names a row's own fields post (a date and time post two)."""
    names = set()
    for name in row_fields(formset):
        bound = form[name]
        widget = bound.field.widget
        suffixes = getattr(widget, "widgets_names", [""])
        names.update(f"{name}{suffix}" for suffix in suffixes)
    return names


def row_label(formset, entries):
    """Name a row for the editor: its kind and what it shows first, e.g.
    byline “Ann Smith”."""
    form = bound_row(formset, entries)
    fields = row_fields(formset)
    named = [n for n in fields if isinstance(form.fields[n], forms.ModelChoiceField)]
    texts = [n for n in fields if type(form.fields[n]) is forms.CharField]
    name = (named or texts or fields)[0]
    text = Truncator(shown_posted(form[name]).replace("\n", " ")).chars(40)
    return f"{formset.model._meta.verbose_name} “{text}”"


def row_text(form):
    """A row as the merge screen shows it side by side: a line a field."""
    return "\n".join(
        f"{bound.label}: {shown_posted(bound)}"
        for bound in (form[name] for name in form.fields)
        if posted_value(bound) is not None
    )


def shown_posted(bound):
    """A row field's posted value as the merge screen shows it."""
    value = bound.field.widget.value_from_datadict(
        bound.form.data, bound.form.files, bound.html_name
    )
    try:
        value = bound.field.clean(value)
    except forms.ValidationError:
        value = comparable(value)  # shown as typed
        return " ".join(value) if isinstance(value, tuple) else value
    return shown(bound.field, value)
