"""The framing figures as JSON, mounted under /api/."""

from __future__ import annotations

from core.api.routing import api
from framing.api import views

urlpatterns = [
    api("outlets/<slug:slug>/profile/", views.outlet_profile, "api-outlet-profile"),
    api("compare/", views.compare, "api-compare"),
]
