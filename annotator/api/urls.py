"""REST API routes, mounted under /api/.

Every route here is exempt from LoginRequiredMiddleware (which would redirect an
anonymous request to the login page): the API answers for itself, 401 with a JSON body
for a request without valid credentials. The schema and the docs are public; they
describe the API and hold no data."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotator.api.errors import not_found
from annotator.api.views import articles, bulk, me, outlets, sentences, suggestions, tags


def api(route: str, view: Callable, name: str) -> URLPattern:
    return path(route, login_not_required(view), name=name)


urlpatterns = [
    api("outlets/", outlets.outlet_list, "api-outlet-list"),
    api("outlets/<slug:slug>/", outlets.outlet_detail, "api-outlet-detail"),
    api("articles/", articles.article_list, "api-article-list"),
    api("articles/<int:pk>/", articles.article_detail, "api-article-detail"),
    api("articles/bulk/", bulk.article_bulk, "api-article-bulk"),
    api("articles/bulk/<uuid:job_id>/", bulk.article_bulk_job, "api-article-bulk-job"),
    api(
        "articles/<int:pk>/create-origin/",
        articles.article_create_origin,
        "api-article-create-origin",
    ),
    api("sentences/", sentences.sentence_list, "api-sentence-list"),
    api("sentences/<int:pk>/", sentences.sentence_detail, "api-sentence-detail"),
    api("tags/", tags.tag_list, "api-tag-list"),
    api("tags/bulk/", tags.tag_bulk, "api-tag-bulk"),
    api("tags/<int:pk>/", tags.tag_detail, "api-tag-detail"),
    api("suggestions/", suggestions.suggestion_list, "api-suggestion-list"),
    api("me/", me.me, "api-me"),
    api("tokens/", me.tokens, "api-tokens"),
    api("schema/", SpectacularAPIView.as_view(), "api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    api("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), "api-docs"),
    # [\s\S], not ".": a path holding a newline (%0A) is an API path too, answered in JSON.
    re_path(r"^(?P<path>[\s\S]*)$", login_not_required(not_found), name="api-not-found"),
]
