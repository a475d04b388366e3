"""Builders for tests across apps: small files of each accepted format, and
library files."""

import io
import wave

from django.core.files.uploadedfile import SimpleUploadedFile

from .models import Attachment
from .uploads import FORMATS, check_upload


def _iso_media(brand):
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"isom"
    return (8 + len(ftyp)).to_bytes(4, "big") + ftyp + (8).to_bytes(4, "big") + b"mdat"


def _wav():
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * 80)
    return out.getvalue()


OGG = b"OggS\x00\x02" + b"\x00" * 20
SAMPLES = {
    # An ID3v2.4 header, then one MPEG-1 layer III frame header.
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00" + b"\x00" * 32,
    "m4a": _iso_media(b"M4A "),
    "ogg": OGG,
    "oga": OGG,
    "wav": _wav(),
    "mp4": _iso_media(b"isom"),
    "m4v": _iso_media(b"M4V "),
    "mov": _iso_media(b"qt  "),
    # An EBML header whose DocType is "webm".
    "webm": b"\x1a\x45\xdf\xa3\x93\x42\x82\x84webm\x42\x87\x81\x02\x42\x85\x81\x02",
    "ogv": OGG,
    "pdf": b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n",
}
assert set(SAMPLES) == set(FORMATS)


def file_bytes(extension):
    """Return the bytes of a small valid file of an accepted format."""
    return SAMPLES[extension]


def upload(data, name="talk.mp3", content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def make_attachment(name="talk.mp3", data=None, **fields):
    """Create a library file from bytes (a small file of the name's format)."""
    fields.setdefault("title", "A talk")
    attachment = Attachment(**fields)
    extension = name.rsplit(".", 1)[-1]
    attachment.attach(check_upload(upload(data or file_bytes(extension), name)))
    attachment.save()
    return attachment
