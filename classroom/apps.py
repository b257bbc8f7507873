from __future__ import annotations

from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "classroom"
    verbose_name = "Classes and assignments"

    def ready(self) -> None:
        from annotator.selectors.assignments import HOOK
        from classroom.selectors.workspace import WorkspaceAssignments
        from core import hooks

        # The workspace shows an assignment's units and progress; the annotator asks for
        # them through this hook, as it must not import the classroom.
        hooks.provide(HOOK, WorkspaceAssignments())
