"""End-to-end tests in a real browser: Debian's headless Chromium via Playwright.

Subclass BrowserTestCase and use `self.page` (a fresh page per test) against
`self.live_server_url`. Without /usr/bin/chromium the tests are skipped, unless
NEWSROOM_REQUIRE_BROWSER=1 is set (as .ci/run does): then they fail.
"""

import os
import re
import unittest
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.test import tag

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS_DIR = Path(settings.BASE_DIR) / "test-artifacts"
# `make screenshots` sets this to docs/screenshots: the pictures in
# docs/editors.md are taken by the browser tests that walk through the screens.
SCREENSHOTS_DIR = os.environ.get("NEWSROOM_SCREENSHOTS_DIR", "")
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
ENABLE_HINT = (
    "Browser tests need Chromium from Debian: `apt-get install chromium` "
    "(they use /usr/bin/chromium; never `playwright install`)."
)

# Chromium logs blocked code as "... violates the following Content Security
# Policy directive ..."; a report-only policy may log it as a warning.
CSP_MESSAGE = re.compile(r"Content[- ]Security[- ]Policy", re.IGNORECASE)

# Reports every violation, whatever the console logs for it. Init scripts are
# injected by the browser itself, so the page's own policy does not block this.
REPORT_CSP_VIOLATIONS = """
window.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content-Security-Policy violation: ${event.effectiveDirective} blocked ` +
      `${event.blockedURI || "inline code"} in ${event.sourceFile || event.documentURI}`
  );
});
"""


def browser_required():
    return os.environ.get("NEWSROOM_REQUIRE_BROWSER", "").lower() in {"1", "true"}


def missing_browser():
    """Return why the browser tests cannot run here, or "" if they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "The playwright package is not installed (requirements-dev.txt)."
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing."
    return ""


# Skipped tests still count as tests (a skip in setUpClass would not); when the
# browser is required, setUpClass raises instead.
SKIP_REASON = "" if browser_required() else missing_browser()


@unittest.skipIf(SKIP_REASON, f"{SKIP_REASON} {ENABLE_HINT}")
@tag("browser")
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server and one headless Chromium per class, a new page per test.

    `self.console_errors` collects the page's console errors, uncaught
    exceptions and Content-Security-Policy violations; tests assert it stays
    empty with `assert_no_console_errors()`.
    """

    @classmethod
    def setUpClass(cls):
        reason = missing_browser()
        if reason:
            if browser_required():
                raise RuntimeError(
                    f"{reason} NEWSROOM_REQUIRE_BROWSER is set, so browser tests "
                    f"must run. {ENABLE_HINT}"
                )
            raise unittest.SkipTest(f"{reason} {ENABLE_HINT}")

        from playwright.sync_api import expect, sync_playwright

        # Playwright's sync API keeps an asyncio loop running in this thread, so
        # Django would refuse ORM calls from tests and from database teardown.
        # Class cleanups run last (after tearDownClass), also if setup fails.
        cls.addClassCleanup(
            cls._restore_env, ASYNC_UNSAFE, os.environ.get(ASYNC_UNSAFE)
        )
        os.environ[ASYNC_UNSAFE] = "true"
        super().setUpClass()
        cls._playwright = sync_playwright().start()
        cls.addClassCleanup(cls._playwright.stop)
        cls.browser = cls._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        cls.addClassCleanup(cls.browser.close)
        expect.set_options(timeout=10_000)

    @staticmethod
    def _restore_env(name, value):
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def context_options(self):
        """Return keyword arguments for browser.new_context(), e.g. user_agent."""
        return {}

    def setUp(self):
        super().setUp()
        # The live server shares this process's cache; start each test clean.
        cache.clear()
        self.console_errors = []
        self.page = self.open_page()
        self.context = self.page.context

    def open_page(self):
        """Return a page in a new browser context (a separate visitor), watched
        for console errors like `self.page`."""
        context = self.browser.new_context(**self.context_options())
        self.addCleanup(context.close)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        return page

    def _on_console(self, message):
        location = message.location.get("url", "")
        if message.type == "error" or CSP_MESSAGE.search(message.text):
            self.console_errors.append(f"{message.type}: {message.text} ({location})")

    def _on_page_error(self, error):
        self.console_errors.append(f"uncaught: {error}")

    def assert_no_console_errors(self):
        self.assertEqual(self.console_errors, [], "The page logged errors.")

    def url(self, path):
        return self.live_server_url + path

    def write_new_article(self, page, headline, section):
        """Open the admin's new article form on `page`, give it a headline
        and a section, and return the body editor, focused."""
        page.goto(self.url("/admin/articles/article/add/"))
        page.get_by_label("Headline").press_sequentially(headline)
        page.get_by_label("Section").select_option(label=section.name)
        editor_area = page.locator(".field-body .ProseMirror[contenteditable=true]")
        editor_area.click()
        return editor_area

    def sign_in(self, page, user):
        """Give the page's browser the session of `user` (signing in through
        the form is the sign-in tests' business)."""
        self.client.force_login(user)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )

    def screenshot(self, page, name):
        """Keep a picture of `page` for the docs, when screenshots are asked
        for (NEWSROOM_SCREENSHOTS_DIR); otherwise do nothing."""
        if not SCREENSHOTS_DIR:
            return
        Path(SCREENSHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS_DIR) / f"{name}.png", full_page=True)

    def _callTestMethod(self, method):
        # Keep a screenshot of the page a failing test left behind.
        try:
            super()._callTestMethod(method)
        except Exception as error:
            if not isinstance(error, unittest.SkipTest):
                self._save_screenshot()
            raise

    def _save_screenshot(self):
        from playwright.sync_api import Error as PlaywrightError

        try:
            ARTIFACTS_DIR.mkdir(exist_ok=True)
            path = ARTIFACTS_DIR / f"{self.id()}.png"
            self.page.screenshot(path=path, full_page=True)
        except (OSError, PlaywrightError) as error:  # Report the failure anyway.
            print(f"\nCould not save a screenshot of {self.id()}: {error}")
        else:
            print(f"\nScreenshot of the failed page: {path}")


def click_closing_popup(locator):
    """Click something that closes its own pop-up window, as picking from
    Django's related-lookup pop-up or the image picker does.

    The window can close before Playwright has finished the click, which it
    then reports as an error of the click: that is the expected outcome here,
    and the caller checks what the click did to the opener.

    The window's scripts attach their click handlers once the document has
    loaded; a choice visible before that would be clicked into nothing, so
    the click waits for the load.
    """
    from playwright.sync_api import Error as PlaywrightError

    popup = locator.page
    popup.wait_for_load_state("load")
    try:
        locator.click()
    except PlaywrightError:
        if not popup.is_closed():
            raise
