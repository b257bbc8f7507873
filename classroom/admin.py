"""Every classroom model in the admin, searchable and filterable. Join codes are drawn
by the service (never typed), so the admin can revoke them but not invent them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from classroom.models import (
    Account,
    AnswerKeyEntry,
    Assignment,
    Classroom,
    Comment,
    JoinCode,
    Membership,
    Submission,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "teacher", "time_zone", "created_at"]
    list_filter = ["teacher", "time_zone", "created_at"]
    search_fields = ["name", "teacher__username", "teacher__email"]
    list_select_related = ["teacher"]
    autocomplete_fields = ["teacher"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["student", "classroom", "via", "joined_at"]
    list_filter = ["via", "classroom", "joined_at"]
    search_fields = ["student__username", "student__email", "classroom__name"]
    list_select_related = ["student", "classroom"]
    autocomplete_fields = ["student", "classroom"]


@admin.action(description="Revoke the selected codes")
def revoke_codes(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    n = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    modeladmin.message_user(request, f"{n} code(s) revoked.")


@admin.register(JoinCode)
class JoinCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "classroom", "expires_at", "revoked_at", "uses"]
    list_filter = ["classroom", "expires_at", "revoked_at"]
    search_fields = ["code", "classroom__name"]
    list_select_related = ["classroom"]
    readonly_fields = ["code", "classroom", "created_by", "created_at", "uses"]
    actions = [revoke_codes]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drawn at random by `create_join_code`, on the class page


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "classroom", "due_at", "include_boilerplate", "include_comments"]
    list_filter = ["classroom", "due_at", "include_boilerplate", "include_comments"]
    search_fields = ["title", "instructions", "classroom__name"]
    list_select_related = ["classroom"]
    autocomplete_fields = ["classroom", "articles", "created_by"]
    raw_id_fields = ["sentences"]
    date_hierarchy = "due_at"


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["student", "assignment", "submitted_at"]
    list_filter = ["assignment__classroom", "assignment", "submitted_at"]
    search_fields = ["student__username", "student__email", "assignment__title"]
    list_select_related = ["student", "assignment"]
    autocomplete_fields = ["student", "assignment"]


@admin.register(AnswerKeyEntry)
class AnswerKeyEntryAdmin(admin.ModelAdmin):
    list_display = ["sentence", "assignment", "label", "outlet", "basis", "promoted_at"]
    list_filter = ["label", "basis", "outlet", "assignment__classroom"]
    search_fields = ["sentence__text", "assignment__title", "note", "cited_source"]
    list_select_related = ["sentence", "assignment", "outlet"]
    raw_id_fields = ["sentence"]
    autocomplete_fields = ["assignment", "outlet", "promoted_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "assignment", "sentence", "created_at"]
    list_filter = ["assignment__classroom", "assignment", "created_at"]
    search_fields = ["body", "author__username", "assignment__title", "sentence__text"]
    list_select_related = ["author", "assignment", "sentence"]
    raw_id_fields = ["sentence"]
    autocomplete_fields = ["assignment", "author"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    """How accounts made without an administrator came to be; tick `email_verified` once
    a student's e-mail is known to be theirs, so that rosters match it."""

    list_display = ["user", "origin", "email_verified"]
    list_filter = ["origin", "email_verified"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "origin"]
    list_editable = ["email_verified"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded when the account is made
