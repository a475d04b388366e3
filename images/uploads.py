"""Checking and cleaning uploaded image files before anything is stored.

An upload is accepted only if Pillow reads it as one of the accepted formats,
whatever its name says, and it stays within the size and pixel limits. The
stored original is re-encoded from its pixels: the EXIF orientation is applied
and every piece of metadata (EXIF with GPS position and camera serial numbers,
XMP, IPTC, comments) is left behind; only the colour profile stays. The
photographer's name and copyright notice, if the file carried them, are
returned so that the credit field can be filled in.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError, features

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from newsroom.libraries import check_upload_size

# Pillow format name: (file extension, media type, label for editors).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg", "JPEG"),
    "PNG": ("png", "image/png", "PNG"),
    "WEBP": ("webp", "image/webp", "WebP"),
    "GIF": ("gif", "image/gif", "GIF"),
}
if features.check("avif"):
    FORMATS["AVIF"] = ("avif", "image/avif", "AVIF")
EXTENSIONS = {
    **{extension: name for name, (extension, _, _) in FORMATS.items()},
    "jpeg": "JPEG",
    "jpe": "JPEG",
}
# Pixel data is all a stored file keeps, apart from these.
KEPT_INFO = {"icc_profile", "transparency", "duration", "loop", "background"}
# EXIF tags that name who made a picture.
EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298
EXIF_ORIENTATION = 0x0112


def accepted_formats_label():
    """Return the accepted formats for messages, e.g. "JPEG, PNG or WebP"."""
    labels = [label for _, _, label in FORMATS.values()]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def max_upload_bytes():
    return settings.NEWSROOM_IMAGE_MAX_UPLOAD_MB * 1024 * 1024


def max_pixels():
    return int(settings.NEWSROOM_IMAGE_MAX_MEGAPIXELS * 1_000_000)


@dataclass
class CleanUpload:
    """An accepted upload: the cleaned file, ready to store, and what it is."""

    content: ContentFile
    format: str
    width: int
    height: int
    original_name: str
    suggested_credit: str = ""

    @property
    def extension(self):
        return FORMATS[self.format][0]

    @property
    def media_type(self):
        return FORMATS[self.format][1]


def clean_upload(upload):
    """Return a CleanUpload for an uploaded file, or raise ValidationError.

    Nothing is written anywhere: the caller stores `content` if it wants to.
    """
    name = PurePath(upload.name or "upload").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    label = accepted_formats_label()
    if extension not in EXTENSIONS:
        raise ValidationError(
            "“%(name)s” cannot be used: only %(formats)s images are accepted.",
            code="file_type",
            params={"name": name, "formats": label},
        )
    check_upload_size(name, upload.size or 0, max_upload_bytes(), items="images")
    upload.seek(0)
    data = upload.read()
    if not data:
        raise ValidationError(
            "“%(name)s” is empty.", code="empty", params={"name": name}
        )
    not_an_image = ValidationError(
        "“%(name)s” is not a %(formats)s image, or it is damaged. Its name ends "
        "in .%(extension)s, but its content is not a picture that can be read.",
        code="not_an_image",
        params={"name": name, "formats": label, "extension": extension},
    )
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; a bomb is an error here.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data), formats=list(FORMATS))
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels(name, None, None) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise not_an_image from None
        width, height = image.size
        frames = getattr(image, "n_frames", 1)
        if width < 1 or height < 1:
            raise not_an_image
        if width * height > max_pixels():
            raise _too_many_pixels(name, width, height)
        if width * height * frames > max_pixels():
            raise ValidationError(
                "“%(name)s” is an animation of %(frames)s frames, too long to "
                "process: the limit is %(limit)s megapixels in all frames.",
                code="too_many_frames",
                params={
                    "name": name,
                    "frames": frames,
                    "limit": settings.NEWSROOM_IMAGE_MAX_MEGAPIXELS,
                },
            )
        try:
            image.verify()
            # verify() leaves the image unusable; decode it all to find damage.
            image = PILImage.open(io.BytesIO(data), formats=[image.format])
            image.load()
            credit = _credit_from_exif(image)
            content, width, height = _reencode(image)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels(name, width, height) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    stem = PurePath(name).stem
    return CleanUpload(
        content=ContentFile(content, name=f"{stem}.{FORMATS[image.format][0]}"),
        format=image.format,
        width=width,
        height=height,
        original_name=name,
        suggested_credit=credit,
    )


def _too_many_pixels(name, width, height):
    limit = settings.NEWSROOM_IMAGE_MAX_MEGAPIXELS
    if width is None:
        return ValidationError(
            "“%(name)s” has far too many pixels to be processed safely (the "
            "limit is %(limit)s megapixels).",
            code="too_many_pixels",
            params={"name": name, "limit": limit},
        )
    return ValidationError(
        "“%(name)s” is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
        "images may have at most %(limit)s megapixels. Make it smaller first.",
        code="too_many_pixels",
        params={
            "name": name,
            "width": width,
            "height": height,
            "megapixels": round(width * height / 1_000_000, 1),
            "limit": limit,
        },
    )


def _credit_from_exif(image):
    """Return "Artist / Copyright" from the file's EXIF, before it is dropped."""
    try:
        exif = image.getexif()
    except Exception:  # Broken EXIF must not refuse a picture.
        return ""
    parts = []
    for tag in (EXIF_ARTIST, EXIF_COPYRIGHT):
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        value = " ".join(str(value or "").replace("\x00", " ").split())
        if value and value not in parts:
            parts.append(value)
    return " / ".join(parts)[:200]


def _orientation(image):
    try:
        return image.getexif().get(EXIF_ORIENTATION, 1)
    except Exception:  # Broken EXIF: leave the picture as it is.
        return 1


def _clean_info(image):
    image.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
    return image


def _reencode(image):
    """Return (bytes, width, height): the picture upright, without metadata."""
    out = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    if getattr(image, "n_frames", 1) > 1:
        frames = [_clean_info(frame.copy()) for frame in ImageSequence.Iterator(image)]
        first = frames[0]
        options = {"save_all": True, "append_images": frames[1:]}
        options["duration"] = [frame.info.get("duration", 100) for frame in frames]
        options["loop"] = image.info.get("loop", 0)
        if image.format == "WEBP":
            options["quality"] = 90
        first.save(out, format=image.format, **options)
        return out.getvalue(), first.width, first.height
    turned = _orientation(image) in range(2, 9)
    picture = _clean_info(ImageOps.exif_transpose(image) if turned else image)
    options = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if image.format == "JPEG":
        if turned:
            options.update(quality=95, subsampling=0)
        else:
            # The original's own quantisation: no visible loss on re-encoding.
            options.update(quality="keep", subsampling="keep")
    elif image.format in {"WEBP", "AVIF"}:
        options["quality"] = 92
    elif "transparency" in picture.info:
        options["transparency"] = picture.info["transparency"]
    picture.save(out, format=image.format, **options)
    return out.getvalue(), picture.width, picture.height
