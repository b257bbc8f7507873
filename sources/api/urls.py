"""The outlets' API routes, mounted under /api/."""

from __future__ import annotations

from core.api.routing import api
from sources.api import views

urlpatterns = [
    api("outlets/", views.outlet_list, "api-outlet-list"),
    api("outlets/<slug:slug>/", views.outlet_detail, "api-outlet-detail"),
]
