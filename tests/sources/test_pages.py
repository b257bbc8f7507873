"""The outlet pages and their JSON: who sees what, what they show, and how many queries."""

from __future__ import annotations

import csv
import io
from contextlib import nullcontext

import pytest
from django.db import connection, connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.models import ClaimTag, Sentence, StoryArticle, TagRevision
from annotator.services import stories
from annotator.services.tagging import tag_claim
from core.cache.routers import ALIAS
from sources.models import Outlet
from tests.sources.test_stories import import_as_south_front, south_fronts_original

COMPARE = "south-front,21st-century-wire"


@pytest.fixture
def tagged(seeds, student, other_student, teacher):
    """A few claims on South Front's and 21st Century Wire's articles."""
    wire = Outlet.objects.get(slug="21st-century-wire")
    for n, sentence in enumerate(seeds["001"].sentences.filter(section="body")[:6]):
        tag_claim(sentence=sentence, reviewer=student, label=["sourced", "opinion"][n % 2])
        tag_claim(sentence=sentence, reviewer=other_student, label="sourced")
    opening = seeds["004"].sentences.filter(section="body").first()
    tag_claim(sentence=opening, reviewer=student, label="opinion", outlet=wire)
    tag_claim(sentence=opening, reviewer=teacher, label="opinion", outlet=wire)
    return seeds


@pytest.fixture
def story(tagged):
    stories.detect_stories()
    import_as_south_front(south_fronts_original(tagged))
    stories.add_pending_articles()
    return StoryArticle.objects.get(article=tagged["004"]).story


def pages(story) -> dict[str, str]:
    return {
        "list": reverse("outlet-list"),
        "profile": reverse("outlet-profile", args=["south-front"]),
        "compare": reverse("outlet-compare") + f"?outlets={COMPARE}",
        "stories": reverse("story-list"),
        "story": reverse("story-detail", args=[story.pk]),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("student", 200),
        ("teacher", 200),
        ("editor", 200),
        ("admin_user", 200),
    ],
)
def test_who_can_read_the_outlet_pages(client, request, story, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    for name, url in pages(story).items():
        response = client.get(url)
        assert response.status_code == status, name
        if status == 302:
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("student", 200),
        ("teacher", 200),
        ("editor", 200),
        ("admin_user", 200),
    ],
)
def test_who_can_read_the_outlet_json(client, request, tagged, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    for url in [
        reverse("api-outlet-profile", args=["south-front"]),
        reverse("api-compare") + f"?outlets={COMPARE}",
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("who", "own", "status", "copied"),
    [
        ("anonymous", False, 302, False),
        ("outsider", False, 403, False),
        ("other_student", False, 403, False),
        ("student", True, 302, True),
        # Not even a teacher or an admin: the copies would be the student's tags.
        ("teacher", False, 403, False),
        ("admin_user", False, 403, False),
    ],
)
def test_who_can_apply_a_tag_to_the_other_copies(
    client, request, story, student, who, own, status, copied
):
    original = StoryArticle.objects.get(story=story, is_original=True).article
    sentence = original.sentences.filter(section="body").first()
    tag = tag_claim(sentence=sentence, reviewer=student, label="unsourced")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("tag-apply-to-copies", args=[tag.pk]))

    assert response.status_code == status
    copy = Sentence.objects.get(
        article=story.copies.exclude(article=original).get().article, text=sentence.text
    )
    assert ClaimTag.objects.filter(sentence=copy, reviewer=student).exists() is copied
    # Every change to the student's tags is recorded as made by the one who acted: them.
    changes = TagRevision.objects.filter(reviewer=student).values_list("changed_by", flat=True)
    assert set(changes) == {student.pk}


def test_the_story_page_offers_my_tag_for_the_other_copies_and_shows_additions(
    client, story, student
):
    original = StoryArticle.objects.get(story=story, is_original=True).article
    sentence = original.sentences.filter(section="body")[2]
    tag_claim(sentence=sentence, reviewer=student, label="speculation")
    client.force_login(student)

    page = client.get(reverse("story-detail", args=[story.pk])).content.decode()

    assert "Apply my “speculation” tag to the 1 other copy" in page
    assert page.count('class="cell cell-added"') == 4
    assert "dropped 0, added 4" in page


def test_the_profile_shows_shares_intervals_sources_and_republishers(client, tagged, editor):
    client.force_login(editor)  # exact figures: a student sees small counts suppressed

    response = client.get(reverse("outlet-profile", args=["south-front"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'role="img"' in page
    figures = response.context["profile"].figures[0]
    assert figures.counts == {"sourced": 3, "disputed": 3}
    assert "50%" in page and "19–81%" in page  # 3 of 6, Wilson interval 0.188–0.812
    assert "Global Research" in page and "21st Century Wire" in page  # republish it


def test_the_profile_csv_has_every_label_and_neutralised_cells(client, tagged, editor):
    Outlet.objects.filter(slug="south-front").update(name="=South Front")
    client.force_login(editor)  # exact figures: a student sees small counts suppressed

    response = client.get(reverse("outlet-profile", args=["south-front"]), {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["label"] for r in rows] == [
        "sourced",
        "unsourced",
        "opinion",
        "speculation",
        "disputed",
    ]
    assert {r["outlet"] for r in rows} == {"'=South Front"}
    assert rows[0]["count"] == "3" and rows[0]["share"] == "0.5000"


def test_the_comparison_page_has_chart_table_and_notes(client, tagged, student):
    client.force_login(student)

    response = client.get(reverse("outlet-compare"), {"outlets": COMPARE})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 2 and 'id="figures-table"' in page  # bars, intervals
    assert [f.outlet.slug for f in response.context["comparison"].figures] == COMPARE.split(",")
    assert "not meaningful" in page


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({"outlets": "south-front"}, 400, "choose at least two outlets"),
        ({"outlets": "south-front,nowhere"}, 404, ""),
        ({"outlets": COMPARE, "from": "June"}, 400, "is not a date"),
        ({"outlets": COMPARE, "q": "x\x00"}, 400, "contains a NUL character"),
        ({"outlets": "south-front\x00,21st-century-wire"}, 400, "contains a NUL character"),
    ],
)
def test_the_comparison_page_refuses_bad_choices(client, tagged, student, params, status, error):
    client.force_login(student)

    response = client.get(reverse("outlet-compare"), params)

    assert response.status_code == status
    assert error in response.content.decode()


def test_the_profile_json_matches_the_page(client, tagged, editor):
    client.force_login(editor)  # exact figures: a student sees small counts suppressed

    data = client.get(reverse("api-outlet-profile", args=["south-front"])).json()

    assert data["outlet"] == {"slug": "south-front", "name": "South Front", "kind": "news"}
    (figures,) = data["figures"]
    assert figures["claims"] == 6
    assert figures["labels"]["sourced"]["count"] == 3
    assert figures["labels"]["sourced"]["interval"] == pytest.approx([0.1876, 0.8124], abs=1e-4)
    assert figures["labels"]["disputed"]["count"] == 3
    assert data["filters"]["sections"] == ["body"]
    assert {r["outlet"] for r in data["republished_by"]} == {"global-research", "21st-century-wire"}


def test_the_profile_json_splits_by_group(client, tagged, editor):
    client.force_login(editor)  # exact figures: a student sees small counts suppressed

    data = client.get(reverse("api-outlet-profile", args=["21st-century-wire"]), {"by": "group"})

    assert {f["group"]: f["claims"] for f in data.json()["figures"]} == {
        "Editors": 1,
        "Reviewers": 1,
    }


def test_the_compare_json_lists_figures_and_overlaps(client, tagged, editor):
    client.force_login(editor)  # exact figures: a student sees small counts suppressed

    data = client.get(reverse("api-compare"), {"outlets": COMPARE}).json()

    assert data["outlets"] == ["south-front", "21st-century-wire"]
    assert [f["claims"] for f in data["figures"]] == [6, 1]
    assert {"label": "opinion", "outlets": ["south-front", "21st-century-wire"]} in data["overlaps"]
    assert data["notes"]


@pytest.mark.parametrize(
    ("url", "params", "status", "key"),
    [
        ("api-compare", {"outlets": "south-front"}, 400, "outlets"),
        ("api-compare", {}, 400, "outlets"),
        ("api-compare", {"outlets": "south-front,nowhere"}, 404, "detail"),
        ("api-compare", {"outlets": COMPARE, "from": "2017-02-30"}, 400, "from"),
        ("api-compare", {"outlets": COMPARE, "to": "soon"}, 400, "to"),
        ("api-compare", {"outlets": COMPARE, "group": "Nobody"}, 400, "group"),
        ("api-compare", {"outlets": COMPARE, "colour": "red"}, 400, "colour"),
        ("api-compare", {"outlets": COMPARE, "q": "a\x00b"}, 400, "q"),
        ("api-outlet-profile", {"from": "x"}, 400, "from"),
        ("api-outlet-profile", {"by": "outlet"}, 400, "by"),
    ],
)
def test_the_json_refuses_bad_parameters_naming_them(
    client, tagged, student, url, params, status, key
):
    client.force_login(student)
    args = ["south-front"] if url == "api-outlet-profile" else []

    response = client.get(reverse(url, args=args), params)

    assert response.status_code == status
    assert key in response.json()


def test_an_unknown_outlet_is_a_404(client, tagged, student):
    client.force_login(student)

    assert client.get(reverse("outlet-profile", args=["nowhere"])).status_code == 404
    response = client.get(reverse("api-outlet-profile", args=["nowhere"]))
    assert response.status_code == 404 and "detail" in response.json()


def test_only_editors_can_run_story_detection_from_the_page(client, seeds, student, teacher):
    client.force_login(student)
    assert client.post(reverse("story-detect")).status_code == 403

    client.force_login(teacher)
    response = client.post(reverse("story-detect"))
    assert response.status_code == 302
    assert stories.pending_articles() == []


def more_claims(django_user_model, reviewers: int = 4) -> None:
    """Many more claims on every body sentence of the seeds, by more reviewers."""
    from tests.factories import make_user

    users = [make_user(f"extra{i}", "Reviewers") for i in range(reviewers)]
    labels = ["sourced", "unsourced", "opinion", "speculation"]
    rows = [
        ClaimTag(
            sentence=s,
            reviewer=u,
            start=s.start,
            end=s.end,
            label=labels[(s.pk + i) % 4],
            outlet_id=s.article.origin_id or Outlet.objects.first().pk,
        )
        for s in Sentence.objects.select_related("article")
        for i, u in enumerate(users)
    ]
    ClaimTag.objects.bulk_create(rows)


@pytest.mark.parametrize("larger", [False, True])
def test_the_pages_make_a_constant_number_of_queries(
    client, story, student, django_user_model, django_assert_num_queries, larger
):
    if larger:
        more_claims(django_user_model)
    client.force_login(student)
    profile = reverse("outlet-profile", args=["south-front"])
    compare = reverse("outlet-compare")
    jit = 1 if connection.vendor == "postgresql" else 0  # SET LOCAL jit = off

    # session, user with permissions, the blind rule (the student's groups, their open
    # assignments), outlet, groups, figures, totals, recent articles, republishers, the
    # last change of the stories
    with django_assert_num_queries(11 + jit):
        assert client.get(profile).status_code == 200
    with django_assert_num_queries(12 + jit):
        assert client.get(profile, {"by": "group", "include": "boilerplate"}).status_code == 200
    # session, user with permissions, blind rule (2), outlets, groups, figures
    with django_assert_num_queries(7 + jit):
        assert client.get(compare, {"outlets": COMPARE + ",global-research"}).status_code == 200
    # session, user with permissions, blind rule (2), outlets, group, figures; and the
    # API's throttle, its count in the shared cache: one statement (its first in the
    # window before), on SQLite in the cache's own database (core/cache/routers.py)
    client.get(reverse("api-compare"), {"outlets": COMPARE})
    own = ALIAS in connections
    with (
        django_assert_num_queries(7 + jit + (0 if own else 1)),
        django_assert_num_queries(1, connection=connections[ALIAS]) if own else nullcontext(),
    ):
        assert (
            client.get(
                reverse("api-compare"), {"outlets": COMPARE, "group": "Reviewers"}
            ).status_code
            == 200
        )


PARAMETER_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2017-06-01", "2017-02-30", "boilerplate,comment", "Reviewers", ""]),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    params=st.dictionaries(
        st.sampled_from(["outlets", "from", "to", "q", "group", "include", "by", "x"]),
        PARAMETER_VALUES,
        max_size=4,
    )
)
@pytest.mark.slow
def test_no_parameter_makes_the_json_fail(client, tagged, student, params):
    client.force_login(student)
    params.setdefault("outlets", COMPARE)

    for url in [reverse("api-compare"), reverse("api-outlet-profile", args=["south-front"])]:
        sent = {k: v for k, v in params.items() if k != "outlets" or "compare" in url}
        response = client.get(url, sent)
        assert response.status_code in (200, 400, 404), (url, sent)
        assert isinstance(response.json(), dict)


def test_the_story_pages_make_a_constant_number_of_queries(
    client, story, student, django_assert_num_queries
):
    original = StoryArticle.objects.get(story=story, is_original=True).article
    for sentence in original.sentences.filter(section="body")[:5]:
        tag_claim(sentence=sentence, reviewer=student, label="opinion")
    client.force_login(student)

    # session, user with permissions, story, copies, passages, my tags
    with django_assert_num_queries(6):
        assert client.get(reverse("story-detail", args=[story.pk])).status_code == 200
    # session, user with permissions, count, page of stories, their copies, the last
    # change of the stories
    with django_assert_num_queries(6):
        assert client.get(reverse("story-list")).status_code == 200
