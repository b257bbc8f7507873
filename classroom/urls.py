"""Class pages, mounted under /classes/."""

from __future__ import annotations

from django.urls import path

from classroom.views import assignments, classes, disagreements, joining

urlpatterns = [
    path("", classes.class_list, name="class-list"),
    path("new/", classes.class_create, name="class-create"),
    path("join/", joining.join, name="class-join"),
    path("<int:pk>/", classes.class_detail, name="class-detail"),
    path("<int:pk>/codes/", classes.code_create, name="class-code-create"),
    path("codes/<int:pk>/revoke/", classes.code_revoke, name="class-code-revoke"),
    path("<int:pk>/roster/", classes.roster_upload, name="class-roster"),
    path("<int:pk>/students/", classes.student_add, name="class-student-add"),
    path(
        "<int:pk>/students/<int:student_pk>/remove/",
        classes.student_remove,
        name="class-student-remove",
    ),
    path("<int:pk>/time-zone/", classes.time_zone_set, name="class-time-zone"),
    path("<int:pk>/gradebook.csv", classes.class_gradebook, name="class-gradebook"),
    path("<int:pk>/assignments/new/", assignments.assignment_create, name="assignment-create"),
    path("assignments/<int:pk>/", assignments.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/edit/", assignments.assignment_edit, name="assignment-edit"),
    path(
        "assignments/<int:pk>/sentences/",
        assignments.assignment_sentences,
        name="assignment-sentences",
    ),
    path("assignments/<int:pk>/submit/", assignments.assignment_submit, name="assignment-submit"),
    path("assignments/<int:pk>/feedback/", assignments.feedback, name="assignment-feedback"),
    path(
        "assignments/<int:pk>/feedback/<int:student_pk>/",
        assignments.feedback,
        name="assignment-student-feedback",
    ),
    path("assignments/<int:pk>/gradebook.csv", assignments.gradebook, name="assignment-gradebook"),
    path(
        "assignments/<int:pk>/key/promote/", assignments.key_promote, name="assignment-key-promote"
    ),
    path("assignments/<int:pk>/key/clear/", assignments.key_clear, name="assignment-key-clear"),
    path(
        "assignments/<int:pk>/articles/<int:article_pk>/disagreements/",
        disagreements.assignment_disagreements,
        name="assignment-disagreements",
    ),
    path(
        "assignments/<int:pk>/sentences/<int:sentence_pk>/comments/",
        disagreements.comment_add,
        name="sentence-comment-add",
    ),
    path(
        "articles/<int:pk>/disagreements/",
        disagreements.article_disagreements,
        name="article-disagreements",
    ),
    path(
        "sentences/<int:pk>/adjudicate/",
        disagreements.adjudicate_sentence,
        name="sentence-adjudicate",
    ),
    path(
        "adjudications/<int:pk>/withdraw/",
        disagreements.adjudication_withdraw,
        name="adjudication-withdraw",
    ),
]
