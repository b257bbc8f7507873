from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """What every app shares: roles, accounts' rules, the SQL layer, the HTTP plumbing."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.auth.roles import ensure_roles
        from core.db import lookups

        # Permissions only exist after migrate has run, as Django itself creates
        # them in post_migrate; the role groups follow them there.
        post_migrate.connect(ensure_roles, dispatch_uid="core.ensure_roles")
        install_username_validator()
        lookups.register()


def install_username_validator() -> None:
    """Run core.auth.usernames' rules wherever Django validates a username.

    Appended to the field's validators list as loaded, not to the validators it was
    declared with: auth.User's migrations stay Django's own."""
    from django.contrib.auth import get_user_model

    from core.auth.usernames import UsernameValidator

    field = get_user_model()._meta.get_field("username")
    if UsernameValidator() not in field.validators:
        field.validators.append(UsernameValidator())
