"""Checking uploaded files before anything is stored: the one place that
decides which files the file library takes (the admin form and the WordPress
import both ask `check_upload`).

A file is accepted only if its name ends in an allowed extension, its first
bytes are the signature of that format (an .mp3 that is a web page, or a
renamed .exe, is refused), and it is within NEWSROOM_FILE_MAX_UPLOAD_MB.
Only the first bytes are read: a large video is never held in memory. The
file is stored as it came; its kind (audio, video, document) follows from
the checked format.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

from newsroom.libraries import check_upload_size

# Bytes read to check a signature (a WebM's doctype comes after its header).
HEAD_BYTES = 4096
# The boxes a QuickTime or ISO media file (mp4, m4a, mov) may start with.
ISO_MEDIA_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _mp3(head):
    if head.startswith(b"ID3"):
        return True
    # An MPEG audio frame: 11 sync bits, then a version and layer not reserved.
    return (
        len(head) >= 2
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and head[1] & 0x18 != 0x08
        and head[1] & 0x06 != 0
    )


def _iso_media(head):
    if len(head) < 8 or head[4:8] not in ISO_MEDIA_BOXES:
        return False
    size = int.from_bytes(head[:4], "big")
    # 0: to the end of the file; 1: a 64-bit size follows; else the box's size.
    return size in (0, 1) or size >= 8


def _ogg(head):
    return head.startswith(b"OggS")


def _wav(head):
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _webm(head):
    return head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head


def _pdf(head):
    return head.startswith(b"%PDF-")


@dataclass(frozen=True)
class Format:
    kind: str
    media_type: str
    label: str
    has_signature: object


AUDIO, VIDEO, DOCUMENT = "audio", "video", "document"
# Extension: what a file so named must be.
FORMATS = {
    "mp3": Format(AUDIO, "audio/mpeg", "MP3", _mp3),
    "m4a": Format(AUDIO, "audio/mp4", "M4A", _iso_media),
    "ogg": Format(AUDIO, "audio/ogg", "Ogg", _ogg),
    "oga": Format(AUDIO, "audio/ogg", "Ogg", _ogg),
    "wav": Format(AUDIO, "audio/wav", "WAV", _wav),
    "mp4": Format(VIDEO, "video/mp4", "MP4", _iso_media),
    "m4v": Format(VIDEO, "video/mp4", "MP4", _iso_media),
    "mov": Format(VIDEO, "video/quicktime", "QuickTime", _iso_media),
    "webm": Format(VIDEO, "video/webm", "WebM", _webm),
    "ogv": Format(VIDEO, "video/ogg", "Ogg", _ogg),
    "pdf": Format(DOCUMENT, "application/pdf", "PDF", _pdf),
}


def accepted_extensions_label():
    """Return the accepted extensions for messages, e.g. ".mp3, .m4a or .pdf"."""
    names = [f".{extension}" for extension in FORMATS]
    return ", ".join(names[:-1]) + " or " + names[-1]


def max_upload_bytes():
    return settings.NEWSROOM_FILE_MAX_UPLOAD_MB * 1024 * 1024


@dataclass
class CheckedUpload:
    """An accepted upload, ready to store as it is, and what it is."""

    content: object
    extension: str
    original_name: str
    size: int

    @property
    def format(self):
        return FORMATS[self.extension]

    @property
    def kind(self):
        return self.format.kind


def check_upload(upload):
    """Return a CheckedUpload for an uploaded file, or raise ValidationError.

    Nothing is written anywhere: the caller stores `content` if it wants to.
    """
    name = PurePath(upload.name or "upload").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ValidationError(
            "“%(name)s” cannot be added to the file library: only audio, video "
            "and PDF files ending in %(extensions)s are accepted. Pictures go to "
            "the image library.",
            code="file_type",
            params={"name": name, "extensions": accepted_extensions_label()},
        )
    size = upload.size or 0
    check_upload_size(name, size, max_upload_bytes(), items="files")
    if not size:
        raise ValidationError(
            "“%(name)s” is empty.", code="empty", params={"name": name}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = FORMATS[extension]
    if not found.has_signature(head):
        raise ValidationError(
            "“%(name)s” is not a %(format)s file, or it is damaged: its name ends "
            "in .%(extension)s, but its content is not %(format)s.",
            code="wrong_content",
            params={"name": name, "format": found.label, "extension": extension},
        )
    return CheckedUpload(
        content=upload, extension=extension, original_name=name, size=size
    )
