"""The classes' API routes, mounted under /api/classes/."""

from __future__ import annotations

from classroom.api import views
from core.api.routing import api

urlpatterns = [
    api("", views.class_list, "api-class-list"),
    api("<int:pk>/", views.class_detail, "api-class-detail"),
    api("assignments/<int:pk>/", views.assignment_detail, "api-assignment-detail"),
    api("assignments/<int:pk>/answers/", views.assignment_answers, "api-assignment-answers"),
    api("assignments/<int:pk>/key/", views.assignment_key, "api-assignment-key"),
    api("assignments/<int:pk>/feedback/", views.assignment_feedback, "api-assignment-feedback"),
    api("assignments/<int:pk>/agreement/", views.assignment_agreement, "api-assignment-agreement"),
    api("assignments/<int:pk>/submit/", views.assignment_submit, "api-assignment-submit"),
]
