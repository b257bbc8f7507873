from __future__ import annotations

from django.contrib.auth.models import Permission

from core.auth.roles import EDITOR_PERMISSIONS, REVIEWER_PERMISSIONS


def test_a_reviewer_has_the_reviewer_permissions_read_in_one_query(
    student, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert student.has_perm("annotator.add_claimtag")
        assert not student.has_perm("annotator.change_sentence")
        assert student.get_all_permissions() == set(REVIEWER_PERMISSIONS)


def test_a_users_own_permissions_count_beside_their_groups(student):
    student.user_permissions.add(Permission.objects.get(codename="change_sentence"))

    assert student.has_perm("annotator.change_sentence")
    assert student.has_perm("annotator.add_claimtag")


def test_an_editor_has_the_editor_permissions(teacher):
    assert teacher.get_all_permissions() == set(EDITOR_PERMISSIONS)


def test_an_inactive_user_or_a_user_without_a_role_has_no_permission(student, outsider):
    student.is_active = False
    student.save()

    assert not student.has_perm("annotator.add_claimtag")
    assert outsider.get_all_permissions() == set()


def test_a_superuser_has_every_permission(admin_user):
    assert admin_user.has_perm("annotator.change_sentence")
    assert admin_user.has_perm("sources.delete_outlet")
