import io
import logging

from axes.models import AccessAttempt
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth import SESSION_KEY
from django.test import Client, TestCase, override_settings

from articles.roles import EDITOR, WRITER
from articles.testing import make_article, make_user

LOGIN = "/admin/login/"
SETUP = "/admin/two-factor/"
PASSWORD = "correct-horse-battery"


def code(device, ahead=0):
    """Return the code an authenticator app shows for `device` (`ahead` steps
    later: a code is accepted once, so a second sign-in needs the next)."""
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + ahead,
    )
    return f"{value:0{device.digits}d}"


class SignInMixin:
    def sign_in(self, username, password=PASSWORD, token="", *, address="10.0.0.1"):
        return self.client.post(
            LOGIN,
            {
                "username": username,
                "password": password,
                "otp_token": token,
                "next": "/admin/",
            },
            REMOTE_ADDR=address,
        )

    def assertSignedIn(self, signed_in=True):
        self.assertIs(SESSION_KEY in self.client.session, signed_in)


@override_settings(AXES_FAILURE_LIMIT=5)
class LockoutTests(SignInMixin, TestCase):
    def setUp(self):
        self.editor = make_user("editor", EDITOR)

    def test_an_account_is_locked_after_repeated_failures_from_any_address(self):
        for attempt in range(4):
            response = self.sign_in("editor", "wrong", address=f"10.0.1.{attempt}")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Please enter the correct username")
        response = self.sign_in("editor", "wrong", address="10.0.1.9")
        self.assertEqual(response.status_code, 429)
        # Even the right password, from an address that never failed.
        response = self.sign_in("editor", address="192.0.2.50")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Sign-in locked", status_code=429)
        self.assertContains(response, "Try again in", status_code=429)
        self.assertSignedIn(False)

    def test_an_address_is_locked_after_failures_across_accounts(self):
        for number in range(5):
            self.sign_in(f"guess{number}", "wrong", address="203.0.113.7")
        response = self.sign_in("editor", address="203.0.113.7")
        self.assertEqual(response.status_code, 429)
        self.assertSignedIn(False)
        response = self.sign_in("editor", address="198.51.100.1")
        self.assertEqual(response.status_code, 302)
        self.assertSignedIn()

    def test_an_administrator_unlocks_an_account_in_the_admin(self):
        for _ in range(5):
            self.sign_in("editor", "wrong")
        self.assertEqual(self.sign_in("editor").status_code, 429)
        admin = Client()
        admin.force_login(make_user("boss", is_superuser=True))
        attempts = AccessAttempt.objects.filter(username="editor")
        response = admin.post(
            "/admin/axes/accessattempt/",
            {
                "action": "delete_selected",
                "_selected_action": list(attempts.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(attempts.exists())
        self.assertEqual(self.sign_in("editor").status_code, 302)
        self.assertSignedIn()

    def test_behind_a_load_balancer_the_forwarded_address_is_locked(self):
        with self.settings(NEWSROOM_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR"):
            for number in range(5):
                self.client.post(
                    LOGIN,
                    {"username": f"guess{number}", "password": "wrong"},
                    # What the client sends comes first: it may forge it.
                    HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 203.0.113.7",
                )
            locked = self.client.post(
                LOGIN,
                {"username": "editor", "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="10.9.9.99, 203.0.113.7",
            )
            # Another client behind the same balancer is not locked out.
            response = self.client.post(
                LOGIN,
                {"username": "editor", "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="198.51.100.1",
            )
        self.assertEqual(locked.status_code, 429)
        self.assertEqual(response.status_code, 302)


# Without the app's pause after a wrong code (1 s, doubling), for the tests.
@override_settings(
    NEWSROOM_REQUIRE_2FA=True, AXES_FAILURE_LIMIT=5, OTP_TOTP_THROTTLE_FACTOR=0
)
class TwoFactorTests(SignInMixin, TestCase):
    def setUp(self):
        self.editor = make_user("editor", EDITOR)

    def set_up_device(self):
        self.assertRedirects(
            self.sign_in("editor"), SETUP, fetch_redirect_response=False
        )
        page = self.client.get(SETUP)
        device = TOTPDevice.objects.get(user=self.editor)
        self.assertContains(page, device.config_url.split("secret=")[1][:8])
        self.assertContains(page, 'src="data:image/svg+xml')
        response = self.client.post(SETUP, {"otp_token": code(device)})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertIs(device.confirmed, True)
        return device

    def test_an_editor_without_a_device_gets_only_the_setup_page(self):
        response = self.sign_in("editor")
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        for path in ("/admin/", "/admin/articles/article/"):
            with self.subTest(path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(LOGIN))
        self.assertRedirects(
            self.client.get(LOGIN), SETUP, fetch_redirect_response=False
        )

    def test_a_user_in_the_middle_of_setting_up_can_sign_out(self):
        self.sign_in("editor")
        response = self.client.post(SETUP, {"sign_out": "Sign out"})
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
        self.assertSignedIn(False)

    def test_setting_up_a_device_opens_the_admin(self):
        self.set_up_device()
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_wrong_first_code_does_not_confirm_the_device(self):
        self.sign_in("editor")
        self.client.get(SETUP)
        response = self.client.post(SETUP, {"otp_token": "000000"})
        self.assertContains(response, "That code is wrong")
        self.assertFalse(TOTPDevice.objects.get(user=self.editor).confirmed)
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_an_editor_with_a_device_must_give_its_code(self):
        device = self.set_up_device()
        self.client.logout()
        response = self.sign_in("editor")
        self.assertContains(response, "Enter the code your authenticator app")
        self.assertSignedIn(False)
        response = self.sign_in("editor", token="123456")
        self.assertContains(response, "That code is wrong")
        self.assertSignedIn(False)
        response = self.sign_in("editor", token=code(device, ahead=1))
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_after_a_wrong_code_the_next_try_must_wait(self):
        device = self.set_up_device()
        self.client.logout()
        with self.settings(OTP_TOTP_THROTTLE_FACTOR=1):
            self.sign_in("editor", token="000000")
            response = self.sign_in("editor", token=code(device, ahead=1))
        self.assertContains(response, "Too many wrong codes in a row")
        self.assertSignedIn(False)

    def test_wrong_codes_count_towards_the_lockout(self):
        device = self.set_up_device()
        self.client.logout()
        for _ in range(5):
            self.sign_in("editor", token="000000")
        response = self.sign_in("editor", token=code(device, ahead=1))
        self.assertEqual(response.status_code, 429)
        self.assertSignedIn(False)

    def test_a_writer_is_not_required_to_use_a_code(self):
        make_user("writer", WRITER)
        response = self.sign_in("writer")
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_without_the_setting_an_editor_signs_in_with_a_password(self):
        with self.settings(NEWSROOM_REQUIRE_2FA=False):
            response = self.sign_in("editor")
            self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
            self.assertEqual(self.client.get("/admin/").status_code, 200)


class SessionTests(TestCase):
    def test_changing_the_password_ends_the_other_sessions(self):
        user = make_user("editor", EDITOR)
        here, elsewhere = Client(), Client()
        for client in (here, elsewhere):
            client.post(LOGIN, {"username": "editor", "password": PASSWORD})
            self.assertEqual(client.get("/admin/").status_code, 200)
        response = here.post(
            "/admin/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": "another-long-passphrase",
                "new_password2": "another-long-passphrase",
            },
        )
        self.assertRedirects(response, "/admin/password_change/done/")
        self.assertEqual(here.get("/admin/").status_code, 200)
        response = elsewhere.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(LOGIN))
        user.refresh_from_db()
        self.assertTrue(user.check_password("another-long-passphrase"))


class HeaderAndLogTests(TestCase):
    def test_every_response_carries_a_permissions_policy(self):
        article = make_article()
        for path in ("/", article.get_absolute_url(), "/no-such-page/x/", LOGIN):
            with self.subTest(path):
                response = self.client.get(path)
                self.assertIn("camera=()", response["Permissions-Policy"])
        response = self.client.get("/healthz")
        self.assertIn("geolocation=()", response["Permissions-Policy"])

    def console_lines(self, request):
        """The lines the console log prints while `request()` runs (sign-in
        throttling's own lines left out)."""
        console = next(
            handler
            for handler in logging.getLogger().handlers
            if any(type(f).__name__ == "RefusalOnOneLine" for f in handler.filters)
        )
        stream = io.StringIO()
        previous = console.setStream(stream)
        request_logger = logging.getLogger("django.request")
        level = request_logger.level
        request_logger.setLevel(logging.WARNING)
        try:
            response = request()
        finally:
            request_logger.setLevel(level)
            console.setStream(previous)
        lines = [line for line in stream.getvalue().splitlines() if "AXES" not in line]
        return response, lines

    def test_a_403_is_logged_on_one_line(self):
        self.client.force_login(make_user("writer", WRITER))
        response, lines = self.console_lines(
            lambda: self.client.get("/admin/auth/user/")
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(
            lines,
            ["Forbidden (Permission denied): /admin/auth/user/ (PermissionDenied)"],
        )

    def test_a_host_not_allowed_is_logged_on_one_line(self):
        response, lines = self.console_lines(
            lambda: self.client.get("/", HTTP_HOST="evil.example")
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("Invalid HTTP_HOST header: 'evil.example'", lines[0])
        self.assertTrue(lines[0].endswith("(DisallowedHost)"), lines[0])
