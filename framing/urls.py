"""Pages for comparing outlets, mounted under /outlets/ (the JSON routes are in
config/urls.py, beside the rest of the API)."""

from __future__ import annotations

from django.urls import path

from framing.views import outlets as views

urlpatterns = [
    path("", views.outlet_list, name="outlet-list"),
    path("compare/", views.outlet_compare, name="outlet-compare"),
    path("stories/", views.story_list, name="story-list"),
    path("stories/detect/", views.story_detect, name="story-detect"),
    path("stories/<int:pk>/", views.story_detail, name="story-detail"),
    path("tags/<int:pk>/apply-to-copies/", views.tag_apply_to_copies, name="tag-apply-to-copies"),
    # Last, after the pages above, whose first segments no outlet may take as its slug
    # (sources.models.RESERVED_SLUGS): so no page hides a profile, nor a profile a page.
    path("<slug:slug>/", views.outlet_profile, name="outlet-profile"),
]
