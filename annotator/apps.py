from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnnotatorConfig(AppConfig):
    name = "annotator"
    verbose_name = "Articles and claim tags"

    def ready(self) -> None:
        from annotator.roles import ensure_roles

        # Permissions only exist after migrate has run, as Django itself creates
        # them in post_migrate; the role groups follow them there.
        post_migrate.connect(ensure_roles, dispatch_uid="annotator.ensure_roles")
