import io
from pathlib import Path

from PIL import Image as PILImage
from PIL import features

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from images.models import Image
from images.testing import (
    EXIF_GPS_IFD,
    TemporaryMediaMixin,
    gps_exif,
    picture_bytes,
    upload,
)
from images.uploads import clean_upload

ADD_URL = "/admin/images/image/add/"


def stored_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


class AdminUploadMixin(TemporaryMediaMixin):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.org", "correct-horse-battery"
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def post_upload(self, data, name, **fields):
        return self.client.post(
            ADD_URL,
            {
                "file": upload(data, name),
                "alt_text": "A test picture",
                "focal_x": "0.5",
                "focal_y": "0.5",
                **fields,
            },
        )


class AcceptedFormatTests(AdminUploadMixin, TestCase):
    FORMATS = [
        ("JPEG", "photo.jpg", "jpg"),
        ("PNG", "graphic.png", "png"),
        ("WEBP", "photo.webp", "webp"),
        ("GIF", "animation.gif", "gif"),
    ] + ([("AVIF", "photo.avif", "avif")] if features.check("avif") else [])

    def test_each_accepted_format_is_stored_as_itself(self):
        for fmt, name, extension in self.FORMATS:
            with self.subTest(format=fmt):
                response = self.post_upload(picture_bytes((640, 480), fmt), name)
                self.assertEqual(response.status_code, 302, response.content[:2000])
                image = Image.objects.get(original_filename=name)
                self.assertEqual(image.format, fmt)
                self.assertEqual((image.width, image.height), (640, 480))
                self.assertTrue(image.file.name.endswith(f".{extension}"))
                self.assertEqual(image.uploaded_by, self.editor)
                with image.file.open("rb") as stored:
                    self.assertEqual(PILImage.open(stored).format, fmt)

    def test_avif_is_accepted_when_pillow_reads_it(self):
        if not features.check("avif"):
            self.skipTest("This Pillow has no AVIF support.")
        cleaned = clean_upload(upload(picture_bytes(fmt="AVIF"), "photo.avif"))
        self.assertEqual(cleaned.format, "AVIF")

    def test_an_image_with_the_wrong_image_extension_is_stored_under_its_real_one(self):
        self.post_upload(picture_bytes(fmt="PNG"), "really-a-png.jpg")
        image = Image.objects.get()
        self.assertEqual(image.format, "PNG")
        self.assertTrue(image.file.name.endswith(".png"))

    def test_animated_gif_keeps_its_frames(self):
        colours = ["red", "green", "blue"]
        frames = [PILImage.new("RGB", (64, 64), colour) for colour in colours]
        out = io.BytesIO()
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
        self.post_upload(out.getvalue(), "spinner.gif")
        with Image.objects.get().file.open("rb") as stored:
            self.assertEqual(PILImage.open(stored).n_frames, 3)


class RefusedUploadTests(AdminUploadMixin, TestCase):
    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertContains(response, message)
        self.assertFalse(Image.objects.exists())
        self.assertEqual(stored_files(self.media_root), [])

    def test_text_file_named_jpg_is_refused(self):
        response = self.post_upload(b"Not a picture at all.\n" * 20, "notes.jpg")
        self.assert_refused(
            response, "“notes.jpg” is not a JPEG, PNG, WebP, GIF or AVIF image"
        )

    def test_html_file_named_png_is_refused(self):
        response = self.post_upload(b"<script>alert(1)</script>", "cat.png")
        self.assert_refused(response, "its content is not a picture that can be read")

    def test_svg_is_refused_by_name_and_by_content(self):
        svg = (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b"<script>alert(1)</script></svg>"
        )
        self.assert_refused(
            self.post_upload(svg, "logo.svg"), "“logo.svg” cannot be used"
        )
        self.assert_refused(
            self.post_upload(svg, "logo.jpg"), "“logo.jpg” is not a JPEG"
        )

    def test_other_image_formats_are_refused(self):
        out = io.BytesIO()
        PILImage.new("RGB", (20, 20)).save(out, "BMP")
        self.assert_refused(
            self.post_upload(out.getvalue(), "scan.bmp"), "“scan.bmp” cannot be used"
        )
        self.assert_refused(
            self.post_upload(out.getvalue(), "scan.jpg"), "“scan.jpg” is not a JPEG"
        )

    @override_settings(NEWSROOM_IMAGE_MAX_UPLOAD_MB=1)
    def test_oversized_file_is_refused(self):
        data = picture_bytes((200, 200)) + b"\0" * (1024 * 1024)
        response = self.post_upload(data, "huge.jpg")
        self.assert_refused(response, "images may be at most 1.0")

    @override_settings(NEWSROOM_IMAGE_MAX_MEGAPIXELS=1)
    def test_image_over_the_pixel_limit_is_refused_with_its_size(self):
        response = self.post_upload(picture_bytes((1500, 1000)), "wide.jpg")
        self.assert_refused(
            response, "“wide.jpg” is 1500 × 1000 pixels (1.5 megapixels)"
        )

    def test_decompression_bomb_is_refused(self):
        # 20,000 by 20,000 pixels of one colour: a 60 kB file, 400 megapixels.
        out = io.BytesIO()
        PILImage.new("1", (20_000, 20_000)).save(out, "PNG")
        self.assertLess(len(out.getvalue()), 100_000)
        response = self.post_upload(out.getvalue(), "bomb.png")
        self.assert_refused(response, "far too many pixels to be processed safely")

    def test_damaged_jpeg_is_refused(self):
        data = picture_bytes((800, 600))
        response = self.post_upload(data[: len(data) // 2], "cut-off.jpg")
        self.assert_refused(response, "or it is damaged")

    def test_empty_file_is_refused(self):
        response = self.post_upload(b"", "empty.jpg")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Image.objects.exists())


class CleanUploadTests(TestCase):
    def test_validation_errors_have_codes(self):
        cases = [
            (upload(b"text", "a.txt"), "file_type"),
            (upload(b"text", "a.jpg"), "not_an_image"),
        ]
        for file, code in cases:
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                clean_upload(file)
            self.assertEqual(caught.exception.code, code)


class MetadataStrippingTests(TemporaryMediaMixin, TestCase):
    def test_gps_and_camera_data_are_gone_from_the_original_and_every_rendition(self):
        from images.testing import make_image

        data = picture_bytes((1600, 1200), exif=gps_exif())
        self.assertIn(EXIF_GPS_IFD, PILImage.open(io.BytesIO(data)).getexif())
        image = make_image(data)
        image.generate_renditions()
        names = image.all_file_names()
        self.assertEqual(len(names), 30)  # The original and 29 renditions.
        for name in names:
            with self.subTest(file=name), image.file.storage.open(name) as stored:
                content = stored.read()
                picture = PILImage.open(io.BytesIO(content))
                self.assertEqual(dict(picture.getexif()), {})
                self.assertNotIn("exif", picture.info)
                self.assertNotIn(b"Exif\0\0", content)
                for leak in [b"Canon", b"EOS R5", b"012345678901"]:
                    self.assertNotIn(leak, content)

    def test_artist_and_copyright_become_the_credit_unless_one_is_given(self):
        from images.testing import make_image

        data = picture_bytes(exif=gps_exif())
        self.assertEqual(make_image(data).credit, "Jane Doe / Reuters")
        self.assertEqual(make_image(data, credit="AP / J. Roe").credit, "AP / J. Roe")

    def test_exif_orientation_is_applied_before_it_is_dropped(self):
        from images.testing import make_image

        # Stored sideways by the camera; orientation 6 means "turn 90° clockwise".
        data = picture_bytes((1200, 800), exif=gps_exif(orientation=6))
        image = make_image(data)
        self.assertEqual((image.width, image.height), (800, 1200))
        with image.file.open("rb") as stored:
            picture = PILImage.open(stored)
            self.assertEqual(picture.size, (800, 1200))
            self.assertNotIn(0x0112, picture.getexif())
