"""The site's routes: each app's API under /api/, then each app's pages.

Every app keeps its own routes (`<app>/urls.py` for pages, `<app>/api/urls.py` for the
API); this file only mounts them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from core.api.errors import not_found

# The API's routes, each app's under /api/, then the catch-all: any other /api/ path is
# a JSON 404, not the HTML one. A route added after the catch-all would never be reached
# (tests/api/test_errors.py checks none is). [\s\S], not ".": a path holding a newline
# (%0A) is an API path too.
api_urlpatterns = [
    path("", include("annotator.api.urls")),
    path("", include("sources.api.urls")),
    path("", include("framing.api.urls")),
    path("", include("suggestions.api.urls")),
    path("classes/", include("classroom.api.urls")),
    re_path(r"^(?P<path>[\s\S]*)$", login_not_required(not_found), name="api-not-found"),
]

urlpatterns = [
    # First: a script's request is matched against the API's routes only, not every
    # page's before them (Django tries the routes in order, on every request).
    path("api/", include(api_urlpatterns)),
    path("", include("annotator.urls")),
    path("classes/", include("classroom.urls")),
    path("outlets/", include("framing.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "core.http.error_pages.bad_request"
handler403 = "core.http.error_pages.permission_denied"
