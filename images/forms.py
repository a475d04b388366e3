from django import forms
from django.db import models

from .models import Image
from .uploads import EXTENSIONS, accepted_formats_label, clean_upload

ACCEPT = ",".join(
    sorted({"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"})
    + [f".{extension}" for extension in sorted(EXTENSIONS)]
)


def formfield(db_field, **kwargs):
    """Build form fields; addresses typed without a scheme mean https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ImageForm(forms.ModelForm):
    """Upload or replace a library image; the file is checked and cleaned
    (images.uploads) before anything is stored."""

    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=(
            f"{accepted_formats_label()}. Location and camera data are removed when "
            "the file is stored."
        ),
    )

    class Meta:
        model = Image
        formfield_callback = formfield
        fields = [
            "file",
            "focal_x",
            "focal_y",
            "alt_text",
            "caption",
            "credit",
            "source_url",
        ]
        widgets = {
            "alt_text": forms.TextInput(attrs={"size": 80}),
            "caption": forms.Textarea(attrs={"rows": 3}),
            "credit": forms.TextInput(attrs={"size": 60}),
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_file_upload = None
        if self.instance.pk:
            self.fields["file"].required = False
            self.fields[
                "file"
            ].help_text = (
                "Choose a file only to replace the picture everywhere it is used."
            )
            # Keep the current file: the clear checkbox is not offered.
            self.fields["file"].widget = forms.FileInput(attrs={"accept": ACCEPT})

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not self.initial.get("file"):
            self.clean_file_upload = clean_upload(upload)
            return self.clean_file_upload.content
        return self.instance.file

    def save(self, commit=True):
        image = super().save(commit=False)
        if self.clean_file_upload is not None:
            image.attach(self.clean_file_upload)
        if commit:
            image.save()
        return image
