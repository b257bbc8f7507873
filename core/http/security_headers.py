"""Response headers that django-csp and Django's SecurityMiddleware do not send:
Permissions-Policy (no page of this app needs the camera, the microphone, the location
or the like) and, on every answer to a logged-in user or a token, `Cache-Control:
private, no-store`, so that no shared cache or browser history keeps a private page.

And django-csp's middleware, with the policy built once rather than on every answer:
django-csp builds both policies (enforced and report-only) from the settings on each
response, some 330 Python calls, a sixth of an API request's own work; the app's
policy only changes with the settings, and no view here asks for a nonce or changes
the policy for one answer (where one does, django-csp builds it as before)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from csp import middleware as csp
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            if "Cache-Control" in response:
                patch_cache_control(response, private=True, no_store=True)
            else:  # what patch_cache_control writes, without parsing a header first
                response["Cache-Control"] = "private, no-store"
        return response


# What a view may set on a response to change its policy (csp.decorators).
_PER_RESPONSE = tuple(
    f"_csp_{part}{ro}" for part in ("config", "update", "replace") for ro in ("", "_ro")
)
_POLICIES = (
    (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
)


@cache
def _policies() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """Each header's policy from the settings, with its response attribute that exempts
    an answer and the path prefixes it is not sent for."""
    return tuple(
        (
            header,
            build_policy(report_only=report_only),
            exempt,
            tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()),
        )
        for header, setting, exempt, report_only in _POLICIES
    )


@receiver(setting_changed, dispatch_uid="core.http.security_headers")
def _forget_policies(setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.cache_clear()


class CSPMiddleware(csp.CSPMiddleware):
    """django-csp's middleware: the same headers, on the same answers (see above)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response  # Django's debug pages (as django-csp leaves them)
        for header, policy, exempt, excluded in _policies():
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = csp.CheckableLazyObject(self._csp_nonce_post_response)
        return response
