from pathlib import PurePath

from django import forms

from .models import Attachment
from .uploads import FORMATS, accepted_extensions_label, check_upload

ACCEPT = ",".join(
    sorted({found.media_type for found in FORMATS.values()})
    + [f".{extension}" for extension in FORMATS]
)


class AttachmentForm(forms.ModelForm):
    """Upload or replace a library file; it is checked (attachments.uploads)
    before anything is stored."""

    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=(
            f"Audio, video or PDF: {accepted_extensions_label()}. Pictures go to "
            "the image library."
        ),
    )

    class Meta:
        model = Attachment
        fields = ["file", "title", "description", "credit"]
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "credit": forms.TextInput(attrs={"size": 60}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_upload = None
        if "title" not in self.fields:
            return  # Read-only (the user may not change it): no fields to set.
        self.fields["title"].required = False
        self.fields["title"].help_text += " Empty: the file's name."
        if self.instance.pk:
            self.fields["file"].required = False
            self.fields[
                "file"
            ].help_text = "Choose a file only to replace it everywhere it is linked."
            # Keep the current file: the clear checkbox is not offered.
            self.fields["file"].widget = forms.FileInput(attrs={"accept": ACCEPT})

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not self.initial.get("file"):
            self.checked_upload = check_upload(upload)
            return self.checked_upload.content
        return self.instance.file

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title"):
            if self.checked_upload is not None:
                cleaned["title"] = PurePath(self.checked_upload.original_name).stem
            elif self.instance.pk:
                cleaned["title"] = self.instance.title
            elif "file" not in self.errors:
                self.add_error("title", "Give the file a title.")
        return cleaned

    def save(self, commit=True):
        attachment = super().save(commit=False)
        if self.checked_upload is not None:
            attachment.attach(self.checked_upload)
        if commit:
            attachment.save()
        return attachment
