"""No outlet's profile (/outlets/<slug>/) is hidden behind another page under /outlets/:
the pages' first path segments are reserved, and an outlet cannot take one as its slug."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from framing import urls
from sources.models import RESERVED_SLUGS, Outlet
from sources.services.outlets import save_outlet


def first_segments() -> set[str]:
    """The literal first path segment of every page under /outlets/ but the profile."""
    segments = set()
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        first = str(pattern.pattern).split("/")[0]
        if first and "<" not in first:
            segments.add(first)
    return segments


def test_every_page_beside_the_profiles_has_its_first_segment_reserved():
    assert first_segments() == RESERVED_SLUGS
    assert {"compare", "stories"} <= RESERVED_SLUGS


@pytest.mark.parametrize("slug", ["compare", "stories", "tags", "Compare", "STORIES"])
def test_save_outlet_refuses_a_reserved_slug_naming_the_field(db, slug):
    with pytest.raises(ValidationError) as refused:
        save_outlet(name="Some Outlet", slug=slug)

    assert "is reserved" in " ".join(refused.value.message_dict["slug"])
    assert not Outlet.objects.filter(name="Some Outlet").exists()


def test_an_outlet_named_like_a_page_must_be_given_another_slug(db):
    with pytest.raises(ValidationError) as refused:
        save_outlet(name="Stories")

    assert "/outlets/stories/ is another page" in refused.value.message_dict["slug"][0]
    assert save_outlet(name="Stories", slug="stories-magazine").slug == "stories-magazine"


def test_the_api_refuses_a_reserved_slug(teacher):
    client = APIClient()
    client.force_authenticate(teacher)

    response = client.post("/api/outlets/", {"name": "Compare"})

    assert response.status_code == 400
    assert "is reserved" in " ".join(response.json()["slug"])


def test_the_admin_refuses_a_reserved_slug(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:sources_outlet_add"),
        {
            "name": "Compare",
            "slug": "compare",
            "kind": "news",
            "description": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert "is reserved" in " ".join(response.context["adminform"].form.errors["slug"])
    assert not Outlet.objects.filter(name="Compare").exists()


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    slug=st.one_of(
        st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
        st.sampled_from(sorted(RESERVED_SLUGS | {"compare-2", "stories1", "tag"})),
    )
)
@pytest.mark.slow
def test_every_slug_an_outlet_may_take_opens_its_profile(slug):
    outlet = Outlet(name="Any", slug=slug)
    try:
        outlet.clean_fields(exclude=["name"])
        outlet.clean()
    except ValidationError:
        return  # refused: no outlet can have it

    match = resolve(reverse("outlet-profile", args=[slug]))

    assert (match.url_name, match.kwargs) == ("outlet-profile", {"slug": slug})
