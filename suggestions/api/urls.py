"""The label suggestions' API route, mounted under /api/."""

from __future__ import annotations

from core.api.routing import api
from suggestions.api import views

urlpatterns = [
    api("suggestions/", views.suggestion_list, "api-suggestion-list"),
]
