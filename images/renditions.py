"""Renditions: the sizes and crops of a library image that pages show.

Each *use* (lead image, teaser card, thumbnail, body figure, social card) has
an aspect ratio and a set of widths. A rendition is the picture cropped to the
use's ratio around the editor's focal point, scaled to one width, in WebP and
in JPEG for browsers without WebP. Renditions are generated once, when the
image is saved (or, failing that, the first time a page needs them), stored
through Django's storage API, and recorded in `Image.renditions` with their
size in pixels and bytes. Pages build their markup from that record alone:
rendering opens no image file and runs no Pillow code.

The record is keyed per use by a hash of the file name, the focal point and
the use's definition, so changing any of them makes new files with new names
(safe to cache forever) and the old ones are deleted.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image as PILImage
from PIL import ImageCms

from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)

# Change to regenerate every rendition (e.g. after changing the encoders).
VERSION = 1
PREFIX = "images/renditions"
MEDIA_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}
# The format an <img> falls back to; the others become <source> elements.
FALLBACK = "jpeg"
ENCODER_OPTIONS = {
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
}


@dataclass(frozen=True)
class Use:
    name: str
    label: str
    ratio: tuple[int, int] | None  # None keeps the picture's own shape
    widths: tuple[int, ...]
    formats: tuple[str, ...] = ("webp", "jpeg")

    def signature(self):
        return f"{self.ratio}|{self.widths}|{self.formats}"


USES = {
    use.name: use
    for use in [
        Use("lead", "Lead image, 16:9", (16, 9), (320, 640, 960, 1280, 1920)),
        Use("card", "Teaser, 3:2", (3, 2), (320, 480, 640, 960)),
        Use("thumbnail", "Thumbnail, square", (1, 1), (160, 320)),
        Use("body", "In the article body, uncropped", None, (320, 640, 960, 1280)),
        # Open Graph and Twitter cards: 1200 by 630.
        Use("social", "Social networks, 1.91:1", (40, 21), (1200,), ("jpeg",)),
    ]
}


def crop_box(width, height, ratio, focal_x=0.5, focal_y=0.5):
    """Return the largest (left, top, right, bottom) box of the ratio in the
    picture, as near to centred on the focal point as the edges allow."""
    if ratio is None:
        return (0, 0, width, height)
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:
        crop_w, crop_h = max(1, round(height * ratio_w / ratio_h)), height
    else:
        crop_w, crop_h = width, max(1, round(width * ratio_h / ratio_w))
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def output_sizes(use, crop_width, crop_height):
    """Return the (width, height) of each rendition, never wider than the crop."""
    widths = [w for w in use.widths if w <= crop_width] or [crop_width]
    sizes = []
    for width in widths:
        if use.ratio:
            height = max(1, round(width * use.ratio[1] / use.ratio[0]))
        else:
            height = max(1, round(width * crop_height / crop_width))
        sizes.append((width, height))
    return sizes


def rendition_key(file_name, focal_x, focal_y, use):
    # An uncropped use does not depend on the focal point.
    focus = f"{focal_x:.4f}|{focal_y:.4f}" if use.ratio else "-"
    text = f"{VERSION}|{file_name}|{focus}|{use.signature()}"
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def rendition_name(file_name, use, key, width, fmt):
    stem = PurePosixPath(file_name).stem
    return f"{PREFIX}/{stem}/{use.name}-{key}-{width}w.{EXTENSIONS[fmt]}"


def _to_srgb(picture):
    """Return the picture in RGB or RGBA, converted to sRGB if it has a profile."""
    has_alpha = picture.mode in {"RGBA", "LA", "PA"} or (
        picture.mode == "P" and "transparency" in picture.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    icc_profile = picture.info.get("icc_profile")
    if icc_profile and picture.mode in {"RGB", "RGBA", "CMYK"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            target = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(
                picture, source, target, outputMode=mode if has_alpha else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.warning("Ignoring an unreadable colour profile")
    return picture.convert(mode)


def _encode(picture, fmt):
    if fmt == "jpeg" and picture.mode == "RGBA":
        flat = PILImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    out = io.BytesIO()
    picture.save(out, **ENCODER_OPTIONS[fmt])
    return out.getvalue()


def generate(file_name, storage, focal_x, focal_y, uses):
    """Make and store the renditions of the uses; return their record entries."""
    with storage.open(file_name, "rb") as stored:
        data = stored.read()
    with PILImage.open(io.BytesIO(data)) as opened:
        opened.seek(0)  # The first frame of an animation.
        picture = _to_srgb(opened)
    entries = {}
    for use in uses:
        key = rendition_key(file_name, focal_x, focal_y, use)
        box = crop_box(picture.width, picture.height, use.ratio, focal_x, focal_y)
        region = picture.crop(box)
        files = {fmt: [] for fmt in use.formats}
        # Largest first, each scaled from the one before: cheaper than scaling
        # every size from the full picture, and as sharp.
        scaled = region
        for width, height in reversed(output_sizes(use, *region.size)):
            if scaled.size != (width, height):
                scaled = scaled.resize(
                    (width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
                )
            for fmt in use.formats:
                content = _encode(scaled, fmt)
                name = rendition_name(file_name, use, key, width, fmt)
                if storage.exists(name):
                    storage.delete(name)
                name = storage.save(name, ContentFile(content))
                files[fmt].insert(0, [width, height, name, len(content)])
        entries[use.name] = {"key": key, "files": files}
    return entries


def file_names(entry):
    """Return the names of the files a record entry lists."""
    return {row[2] for rows in entry.get("files", {}).values() for row in rows}


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    size: int
    media_type: str


class RenditionSet:
    """The renditions of one image for one use, as markup needs them."""

    def __init__(self, use, entry, storage):
        self.use = use
        self.by_format = {
            fmt: [
                Rendition(storage.url(name), width, height, size, MEDIA_TYPES[fmt])
                for width, height, name, size in rows
            ]
            for fmt, rows in entry["files"].items()
        }

    def __bool__(self):
        return bool(self.fallback_renditions)

    @property
    def fallback_renditions(self):
        return self.by_format.get(FALLBACK, [])

    @property
    def sources(self):
        """Return (media type, srcset) for each format before the fallback."""
        return [
            (MEDIA_TYPES[fmt], srcset(renditions))
            for fmt, renditions in self.by_format.items()
            if fmt != FALLBACK and renditions
        ]

    @property
    def fallback_srcset(self):
        return srcset(self.fallback_renditions)

    @property
    def src(self):
        """Return the fallback rendition for the src attribute: about 960 wide."""
        renditions = self.fallback_renditions
        fitting = [r for r in renditions if r.width <= 960]
        return fitting[-1] if fitting else renditions[0]

    def largest(self, fmt=FALLBACK):
        return self.by_format[fmt][-1]


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)
