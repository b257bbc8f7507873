"""Every classroom model is in the admin, searchable and filterable."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from classroom.models import (
    AnswerKeyEntry,
    Assignment,
    Classroom,
    Comment,
    JoinCode,
    Membership,
    Submission,
)
from classroom.services.classes import add_comment, create_join_code, put_in_key, submit

MODELS = [Classroom, Membership, JoinCode, Assignment, Submission, AnswerKeyEntry, Comment]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_classroom_model_is_searchable_and_filterable_in_the_admin(
    client, admin_user, assignment, teacher, student, sentences, model
):
    create_join_code(classroom=assignment.classroom, by=teacher)
    submit(assignment=assignment, student=student)
    put_in_key(
        assignment=assignment,
        sentence=sentences[1],
        by=teacher,
        label="opinion",
        outlet_id=sentences[1].article.origin_id,
    )
    add_comment(assignment=assignment, sentence=sentences[1], author=teacher, body="Why?")
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields and model_admin.list_filter
    client.force_login(admin_user)
    url = reverse(f"admin:classroom_{model._meta.model_name}_changelist")

    listing = client.get(url)
    searched = client.get(url, {"q": "a"})

    assert listing.status_code == 200 and searched.status_code == 200
    assert listing.context["cl"].result_count == model.objects.count() >= 1


def test_the_admin_revokes_join_codes_but_does_not_invent_them(
    client, admin_user, classroom, teacher
):
    code = create_join_code(classroom=classroom, by=teacher)
    client.force_login(admin_user)

    add = client.get(reverse("admin:classroom_joincode_add"))
    client.post(
        reverse("admin:classroom_joincode_changelist"),
        {"action": "revoke_codes", "_selected_action": [code.pk]},
    )

    assert add.status_code == 403
    code.refresh_from_db()
    assert code.revoked_at is not None
