"""Who may call what. Small classes, combined per view: every view lists
IsAuthenticated first, then what the role must be, e.g.
`[IsAuthenticated, HasRole, EditorOrReadOnly]`.

The services check the same rights again (`tag_claim`, `correct_section`, ...), so a
view that forgot a class would still not write what it must not."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core.auth.roles import has_role, is_editor


class HasRole(BasePermission):
    """The user is a reviewer, a teacher/editor or an admin."""

    message = "Your account has no role in the annotator yet; ask a teacher or an admin."

    def has_permission(self, request: Request, view: object) -> bool:
        return has_role(request.user)


class IsEditor(BasePermission):
    """The user is a teacher/editor or an admin."""

    message = "Only teachers, editors and admins can do this."

    def has_permission(self, request: Request, view: object) -> bool:
        return is_editor(request.user)


class EditorOrReadOnly(BasePermission):
    """Reading is for everyone the other classes let in; writing is for teachers/editors
    and admins."""

    message = IsEditor.message

    def has_permission(self, request: Request, view: object) -> bool:
        return request.method in SAFE_METHODS or is_editor(request.user)
