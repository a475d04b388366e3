from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from . import autosave, merging, revisions, workflow
from .models import Article
from .search import clean_query as search_clean_query

# Lengths search engines show before cutting text off.
HEADLINE_FITS = 65
SEO_TITLE_FITS = 60
SEO_DESCRIPTION_FITS = 155


class ArticleAdminForm(forms.ModelForm):
    """The article form, refusing a save based on an outdated copy."""

    # The edit_version of the article when the form was opened.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # While a stale save is being merged: the edit_version the editor's
    # changes are based on (articles/merging.py).
    merge_base = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_backdate = forms.BooleanField(
        label="Back-date",
        required=False,
        help_text=(
            "Publish with the earlier publish time entered above, instead of "
            "now. Its address and its place in lists follow that time."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "kind",
            "headline",
            "standfirst",
            "body",
            "lead_image",
            "lead_image_caption",
            "section",
            "tags",
            "publish_at",
            "featured",
            "reader_password",
            "seo_title",
            "seo_description",
            "slug",
        ]
        widgets = {
            "headline": forms.TextInput(
                attrs={"data-length-hint": HEADLINE_FITS, "size": 80}
            ),
            "seo_title": forms.TextInput(
                attrs={"data-length-hint": SEO_TITLE_FITS, "size": 80}
            ),
            "seo_description": forms.Textarea(
                attrs={"data-length-hint": SEO_DESCRIPTION_FITS, "rows": 3}
            ),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "lead_image_caption": forms.TextInput(attrs={"size": 80}),
            "reader_password": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    class Media:
        js = ["admin-extra/article-form.js"]
        css = {"all": ["admin-extra/newsroom-admin.css"]}

    def __init__(self, *args, check_conflicts=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_conflicts = check_conflicts
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.edit_version
        if "body" in self.fields:
            self.fields["body"].widget.attrs["data-word-count"] = "true"

    @cached_property
    def changed_data(self):
        bookkeeping = {"loaded_version", "merge_base"}
        return [name for name in super().changed_data if name not in bookkeeping]

    def clean(self):
        cleaned = super().clean()
        self.merge = None
        if self.instance.pk and self.check_conflicts:
            self.merge_with_saved(cleaned)
        self.refuse_unconfirmed_backdate(cleaned)
        if autosave.is_restore(self.data):
            raise forms.ValidationError(
                "Your unsaved changes are back in the form. Check them, then "
                "save; until you do, the article is as it was.",
                code="restored",
            )
        return cleaned

    def chosen_publish_at(self):
        """Return the publish time the editor entered now, or None."""
        if "publish_at" in self.changed_data:
            return self.cleaned_data.get("publish_at")
        return None

    def refuse_unconfirmed_backdate(self, cleaned):
        chosen = self.chosen_publish_at()
        publishing = self.data.get("_transition") == "publish"
        if not (publishing and chosen and chosen < timezone.now()):
            return
        if self.instance.status not in workflow.FIRST_PUBLICATION:
            return  # published before: its date is already past
        if not cleaned.get("confirm_backdate"):
            self.add_error(
                "publish_at",
                "This time is in the past: publishing would back-date the story "
                "to it. Tick “Back-date” to publish with it, or clear your change "
                "to publish it now.",
            )

    def merge_with_saved(self, cleaned):
        """Refuse a save based on an outdated copy with the merge screen, and
        merge the save that follows it (articles/merging.py)."""
        current = (
            Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        )
        if current is None:
            return
        loaded = cleaned.get("loaded_version")
        base = cleaned.get("merge_base")
        if base is None:
            if loaded == current.edit_version:
                return  # the usual case: nobody saved meanwhile
            base = loaded
        stale = loaded != current.edit_version
        self.merge = merging.merge(self, current, base)
        if stale:
            # Choices made on an older merge screen were about other values.
            for conflict in self.merge.every_conflict():
                conflict.choice = ""
        merging.apply(self, self.merge, current)
        if not stale and not self.merge.unresolved():
            return
        # The next save is merged on the same base, against this version.
        self.data[self.add_prefix("loaded_version")] = current.edit_version
        self.data[self.add_prefix("merge_base")] = self.merge.base_version
        raise forms.ValidationError(
            merge_message(current, self.merge, stale=stale), code="conflict"
        )


def merge_message(current, merge, *, stale):
    """Explain who saved the article meanwhile and what the merge needs."""
    latest = revisions.versions_of(current).first()
    user = latest.revision.user if latest else None
    who = (user.get_full_name() or user.username) if user else "Someone"
    when = date_format(timezone.localtime(current.updated_at), "j F Y, H:i:s")
    conflicts = ", ".join(c.label for c in merge.unresolved())
    if not stale:
        return [
            f"You and {who} both changed {conflicts}: choose which version of "
            "each to keep, then save again. Nothing was saved."
        ]
    lines = [
        f"{who} saved this article at {when}, after you opened it. Your "
        "changes were not saved yet: they are merged with theirs in the form "
        "below. Check it and save again."
    ]
    if taken := merge.taken_labels():
        lines.append(f"Their changes are in the form: {', '.join(taken)}.")
    if conflicts:
        lines.append(
            f"You both changed {conflicts}: choose below which version of each to keep."
        )
    if not merge.base_found:
        lines.append(
            "The version you opened is no longer in the history, so every "
            "difference from the saved article is shown as a choice."
        )
    return lines


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    section = forms.ModelChoiceField(
        # Subsection labels name their parent: load it with them.
        queryset=Article._meta.get_field("section")
        .related_model.objects.select_related("parent")
        .all(),
        required=False,
        to_field_name="slug",
        empty_label="All sections",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_q(self):
        return search_clean_query(self.cleaned_data["q"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned
