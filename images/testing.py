"""Builders for tests across apps: picture files, library images, and a
temporary MEDIA_ROOT that each test class cleans up after itself."""

import io
import shutil
import tempfile

from PIL import Image as PILImage
from PIL import ImageDraw

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from .models import Image
from .uploads import clean_upload

EXIF_GPS_IFD = 0x8825
EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_SERIAL = 0xA431
EXIF_ORIENTATION = 0x0112
EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298


def picture_bytes(
    size=(1200, 800), fmt="JPEG", colour=(40, 90, 160), *, exif=None, dot=None, **save
):
    """Return the bytes of a picture file, optionally with EXIF data and a red
    dot (centre x, y and radius in pixels) to follow through crops."""
    mode = "RGBA" if fmt in {"PNG", "WEBP"} and len(colour) == 4 else "RGB"
    picture = PILImage.new(mode, size, colour)
    if dot:
        x, y, radius = dot
        ImageDraw.Draw(picture).ellipse(
            (x - radius, y - radius, x + radius, y + radius), fill=(255, 0, 0)
        )
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    picture.save(out, format=fmt, **save)
    return out.getvalue()


def gps_exif(*, orientation=None):
    """Return EXIF with a GPS position, camera make, model and serial number."""
    exif = PILImage.Exif()
    exif[EXIF_MAKE] = "Canon"
    exif[EXIF_MODEL] = "Canon EOS R5"
    exif[EXIF_ARTIST] = "Jane Doe"
    exif[EXIF_COPYRIGHT] = "Reuters"
    if orientation:
        exif[EXIF_ORIENTATION] = orientation
    exif.get_ifd(0x8769)[EXIF_SERIAL] = "012345678901"
    gps = exif.get_ifd(EXIF_GPS_IFD)
    gps[1], gps[2] = "N", (39.0, 54.0, 26.0)
    gps[3], gps[4] = "E", (116.0, 23.0, 29.0)
    return exif


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def make_image(data=None, name="photo.jpg", **fields):
    """Create a library image from picture bytes (a plain JPEG by default)."""
    fields.setdefault("alt_text", "A blue rectangle")
    image = Image(**fields)
    image.attach(clean_upload(upload(data or picture_bytes(), name)))
    image.save()
    return image


class TemporaryMediaMixin:
    """Store the test class's files in a temporary MEDIA_ROOT, removed after."""

    @classmethod
    def setUpClass(cls):
        cls.media_root = tempfile.mkdtemp(prefix="newsroom-images-test-")
        cls.addClassCleanup(shutil.rmtree, cls.media_root, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=cls.media_root)
        media.enable()
        cls.addClassCleanup(media.disable)
        super().setUpClass()
