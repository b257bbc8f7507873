"""The site's routes: each app's pages, then each app's API under /api/.

Every app keeps its own routes (`<app>/urls.py` for pages, `<app>/api/urls.py` for the
API); this file only mounts them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from core.api.errors import not_found

urlpatterns = [
    path("", include("annotator.urls")),
    path("classes/", include("classroom.urls")),
    path("outlets/", include("framing.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("annotator.api.urls")),
    path("api/", include("sources.api.urls")),
    path("api/", include("framing.api.urls")),
    path("api/", include("suggestions.api.urls")),
    path("api/classes/", include("classroom.api.urls")),
    # Last: any other /api/ path is a JSON 404, not the HTML one. A route added after
    # this line would never be reached (tests/api/test_routes.py checks none is).
    # [\s\S], not ".": a path holding a newline (%0A) is an API path too.
    re_path(r"^api/(?P<path>[\s\S]*)$", login_not_required(not_found), name="api-not-found"),
]

handler400 = "core.http.error_pages.bad_request"
handler403 = "core.http.error_pages.permission_denied"
