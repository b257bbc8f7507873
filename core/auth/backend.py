"""Authentication backend: Django's ModelBackend, with a user's permissions read in one
query instead of two (their own, then their groups'): every tagging request checks them,
so the query is written out once rather than built by the ORM on each request
(core/db/permissions.py). Token requests get them with the token's user, in the same
statement (core/db/tokens.py), and session requests with the session's user
(core/db/sessions.py)."""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.db.instances import loaded
from core.db.permissions import SEPARATOR, permissions
from core.db.sessions import session_user
from core.fast_paths import fast_path


def remember_permissions(user: AbstractBaseUser, joined: str | None) -> None:
    """Give `user` the permissions a core.db.permissions.permissions_column read, so that
    the backend does not read them again in this request. A superuser has them all: not
    from the column."""
    if not user.is_superuser:
        user._perm_cache = set(joined.split(SEPARATOR)) if joined else set()


class RoleBackend(AxesStandaloneBackend, ModelBackend):
    """Django's ModelBackend, with django-axes' check first: a locked-out login is
    refused before its password is hashed (AxesStandaloneBackend raises). One backend
    rather than axes' beside this one: Django loads and asks every configured backend on
    each permission check, and every API request checks a role."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: object,
    ) -> AbstractBaseUser | None:
        AxesStandaloneBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )
        return ModelBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )

    def get_user(self, user_id: object) -> AbstractBaseUser | None:
        """The user a session names, if active, as ModelBackend loads them, with their
        permissions read in the same statement: every page and htmx request asks for
        both (the fast path "session_user", core/db/sessions.py)."""
        if not fast_path("session_user"):
            return super().get_user(user_id)
        found = session_user(user_id)
        if found is None:
            return None
        user = loaded(get_user_model(), found.user)
        remember_permissions(user, found.permissions)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: AbstractBaseUser, obj: object = None) -> set[str]:
        """The user's own and their groups' permissions ("app.codename"), cached on the
        user object for the rest of the request, as ModelBackend does. One query where
        ModelBackend makes two: a fast path (core/fast_paths.py)."""
        if not fast_path("permissions_sql"):
            return super().get_all_permissions(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = permissions(user_obj)
        return user_obj._perm_cache


def client_address(request: HttpRequest) -> str | None:
    """The address that login failures are counted against: the same as join codes',
    or None when the request has none (django-axes stores it in an address column)."""
    from core.ratelimit import client_ip

    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


LOCKED_OUT = (
    "Too many failed logins for this account or from this address. Try again in "
    "{minutes} minutes, or ask an administrator to unlock it."
)


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The login page again, saying that logins are locked for now (django-axes calls
    this instead of checking the password): 429."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": LOCKED_OUT.format(minutes=minutes)},
        status=429,
    )
