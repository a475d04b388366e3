from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from . import revisions, workflow
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
        return [name for name in super().changed_data if name != "loaded_version"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.check_conflicts:
            self.refuse_lost_update(cleaned.get("loaded_version"))
        self.refuse_unconfirmed_backdate(cleaned)
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

    def refuse_lost_update(self, loaded_version):
        current = (
            Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        )
        if current is None or loaded_version == current.edit_version:
            return
        # The next save, after the editor has merged, is based on this version.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current.edit_version
        raise forms.ValidationError(
            conflict_message(current, loaded_version), code="conflict"
        )


def conflict_message(current, loaded_version):
    """Explain who saved the article since `loaded_version` and what changed."""
    versions = list(revisions.versions_of(current)[:50])
    latest = versions[0] if versions else None
    who = "Someone"
    when = date_format(timezone.localtime(current.updated_at), "j F Y, H:i:s")
    if latest and latest.revision.user:
        who = latest.revision.user.get_full_name() or latest.revision.user.username
    loaded = next(
        (v for v in versions if v.field_dict.get("edit_version") == loaded_version),
        None,
    )
    lines = [
        f"{who} saved this article at {when}, after you opened it. Your changes "
        "were not saved; they are still in the form below. Compare with the "
        "saved version, merge what you need and save again."
    ]
    if loaded is not None:
        changes = revisions.compare(
            revisions.snapshot(loaded), revisions.current_snapshot(current)
        )
        if current.status != loaded.field_dict.get("status"):
            lines.append(f"Status is now: {current.get_status_display()}.")
        lines += [f"Changed meanwhile – {c.label}: {c.new[:300]}" for c in changes]
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
