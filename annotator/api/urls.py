"""REST API routes, mounted under /api/.

Every route here is exempt from LoginRequiredMiddleware (which would redirect an
anonymous request to the login page): the API answers for itself, 401 with a JSON body
for a request without valid credentials. The schema and the docs are public; they
describe the API and hold no data."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotator.api.views import articles, bulk, export, me, sentences, tags
from core.api.routing import api

urlpatterns = [
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
    api("me/", me.me, "api-me"),
    api("tokens/", me.tokens, "api-tokens"),
    api("schema/", SpectacularAPIView.as_view(), "api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    api("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), "api-docs"),
    api("export/", export.export_api, "api-export"),
]
