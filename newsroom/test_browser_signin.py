"""End-to-end: an administrator required to use two-factor sign-in sets up an
authenticator app and signs in with its codes (headless Chromium)."""

from base64 import b32decode

from django_otp.oath import TOTP

from django.contrib.auth import get_user_model
from django.test import override_settings

from newsroom.browser import BrowserTestCase

PASSWORD = "correct-horse-battery"


def app_code(secret, ahead=0):
    """Return the code an authenticator app shows for the key `secret`."""
    totp = TOTP(b32decode(secret), drift=ahead)
    return f"{totp.token():06d}"


@override_settings(NEWSROOM_REQUIRE_2FA=True)
class TwoFactorSignInTests(BrowserTestCase):
    def sign_in(self, code=None):
        page = self.page
        page.goto(self.url("/admin/"))
        page.get_by_label("Username").fill("chief")
        page.get_by_label("Password").fill(PASSWORD)
        if code:
            page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Log in").click()

    def test_administrator_sets_up_an_app_then_signs_in_with_its_codes(self):
        from playwright.sync_api import expect

        get_user_model().objects.create_superuser("chief", "c@example.org", PASSWORD)
        page = self.page

        self.sign_in()
        required = page.get_by_text("Your role requires two-factor sign-in")
        expect(required).to_be_visible()
        expect(page.get_by_role("img", name="QR code")).to_be_visible()
        secret = page.locator("#totp-secret").inner_text()
        page.get_by_label("Code from your authenticator app").fill(app_code(secret))
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text("Two-factor sign-in is set up.")).to_be_visible()
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        self.assert_no_console_errors()

        page.get_by_role("button", name="Log out").click()
        self.sign_in()
        expect(page.get_by_text("Enter the code your authenticator")).to_be_visible()
        # A code is accepted once: the next one the app shows.
        self.sign_in(code=app_code(secret, ahead=1))
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        self.assert_no_console_errors()
