"""Signing in to the admin: a one-time code after the password.

`NewsroomAdminSite` is Django's admin site (`admin.site`, installed through
newsroom.apps.NewsroomAdminConfig) with two changes:

- its sign-in form asks for the code of the user's authenticator app (TOTP,
  django-otp) when the user has set one up, and checks it; a wrong code
  counts as a failed sign-in for django-axes' lockout;
- with NEWSROOM_REQUIRE_2FA, Editors, Administrators and superusers may use
  the admin only once verified by a code. Such a user without an app yet is
  signed in by the password alone, but sees only the page that sets one up
  (/admin/two-factor/), and gets the rest of the admin once a first code
  from the app is right.

Failed-password throttling and lockout are django-axes' (settings.AXES_*).
"""

from base64 import b32encode

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from articles.roles import ADMINISTRATOR, EDITOR

REQUIRED_FOR_GROUPS = (EDITOR, ADMINISTRATOR)


def second_factor_required(user):
    """Return True if `user` must sign in with a one-time code."""
    if not settings.NEWSROOM_REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=REQUIRED_FOR_GROUPS).exists()


def is_verified(user):
    """Return True if `user` signed in with a one-time code in this session
    (django-otp's OTPMiddleware, or SignInForm just now, set `otp_device`)."""
    return getattr(user, "otp_device", None) is not None


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        attrs = {"autocomplete": "one-time-code", "inputmode": "numeric"}
        super().__init__(max_length=8, widget=forms.TextInput(attrs=attrs), **kwargs)


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in form, with the authenticator app's code."""

    otp_token = CodeField(
        label="Code from your authenticator app",
        required=False,
        help_text="Only if you have set up two-factor sign-in.",
    )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        device = confirmed_device(user) if user is not None else None
        if device is None:
            return cleaned_data
        token = cleaned_data.get("otp_token")
        if not token:
            raise forms.ValidationError(
                "Enter the code your authenticator app shows for this site.",
                code="token_required",
            )
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes in a row: wait a few seconds, then enter "
                "the code your authenticator app shows.",
                code="throttled",
            )
        if not device.verify_token(token):
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise forms.ValidationError(
                "That code is wrong or has expired. Enter the code your "
                "authenticator app shows now.",
                code="invalid_token",
            )
        # django-otp marks the session as verified when the user signs in.
        user.otp_device = device
        return cleaned_data


class TokenForm(forms.Form):
    otp_token = CodeField(label="Code from your authenticator app")


class NewsroomAdminSite(admin.AdminSite):
    login_form = SignInForm
    login_template = "admin/newsroom_login.html"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and (
            is_verified(user) or not second_factor_required(user)
        )

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if self._must_set_up(request):
            return redirect("admin:two-factor-setup")
        return response

    def get_urls(self):
        setup = path(
            "two-factor/",
            never_cache(self.two_factor_setup),
            name="two-factor-setup",
        )
        return [setup, *super().get_urls()]

    @staticmethod
    def _must_set_up(request):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and not is_verified(user)
            and second_factor_required(user)
            and confirmed_device(user) is None
        )

    def two_factor_setup(self, request):
        """Show a new authenticator app key (QR code and text) and confirm
        it with a first code."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect("admin:login")
        if request.method == "POST" and "sign_out" in request.POST:
            # The admin's own sign-out is out of reach until this is done.
            logout(request)
            return redirect("admin:login")
        if confirmed_device(user) is not None:
            if not is_verified(user):
                return redirect("admin:login")
            messages.info(
                request,
                "Two-factor sign-in is already set up. An administrator can "
                "remove your device (TOTP devices) for you to set up a new one.",
            )
            return redirect("admin:index")
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Authenticator app"}
        )
        form = TokenForm(request.POST or None)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["otp_token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, "Two-factor sign-in is set up.")
                return redirect("admin:index")
            form.add_error(
                "otp_token",
                "That code is wrong or has expired. Enter the code the app shows now.",
            )
        context = {
            **self.each_context(request),
            "title": "Set up two-factor sign-in",
            "form": form,
            "qr_code": segno.make(device.config_url).svg_data_uri(scale=4),
            "secret": b32encode(device.bin_key).decode(),
            "required": second_factor_required(user),
        }
        return TemplateResponse(request, "admin/two_factor_setup.html", context)
