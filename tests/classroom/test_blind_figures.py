"""The blind rule on every derived figure (classroom/selectors/blindness.py), as a grid: every page
and endpoint that computes figures from other people's tags × every role × before and
after handing in.

The world: an assignment on seed 004 (21st Century Wire's copy of a South Front report),
whose story also holds South Front's own copy. The teacher's key tags six sentences
*sourced* citing a source nobody else names, and applies those tags to the other copy;
a classmate tags six other sentences *sourced* citing another; the student tags five
sentences *opinion*. Nothing else is tagged, so every *sourced* claim that South Front's
figures count is the key's or the classmate's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from annotator.models import Adjudication, ClaimTag, StoryArticle
from annotator.services import stories
from annotator.services.tagging import apply_tag_to_copies, delete_tag, tag_claim
from classroom.models import Assignment, Membership
from classroom.permissions import sees_results
from classroom.selectors.assignments import units
from classroom.selectors.blindness import EVERYTHING, scope_for, suppressed
from classroom.services.classes import create_assignment, submit
from core.auth.roles import EDITORS, REVIEWERS
from framing.selectors.figures import outlet_figures
from sources.models import Outlet
from tests.factories import make_user
from tests.sources.test_stories import import_as_south_front, south_fronts_original

KEY_SOURCE = "Bureau of Held-Out Facts"
CLASSMATE_SOURCE = "Office of Whispered Answers"
ORIGIN = "south-front"
COMPARE = "south-front,21st-century-wire"


class World:
    def __init__(self, seeds, teacher, student, other_student, django_user_model):
        stories.detect_stories()
        self.copy = import_as_south_front(south_fronts_original(seeds))
        stories.add_pending_articles()
        self.article = seeds["004"]
        self.story = StoryArticle.objects.get(article=self.article).story
        assert StoryArticle.objects.filter(story=self.story, article=self.copy).exists()
        self.classroom = _class(teacher, student, other_student)
        self.assignment = create_assignment(
            classroom=self.classroom,
            by=teacher,
            title="Who frames the report?",
            due_at=timezone.now() + timedelta(days=7),
            articles=[self.article],
        )
        body = [s for s in units(self.assignment) if s.section == "body"]
        assert len(body) >= 17
        for sentence in body[:6]:
            key = tag_claim(
                sentence=sentence, reviewer=teacher, label="sourced", cited_source=KEY_SOURCE
            )
            apply_tag_to_copies(tag=key, by=teacher)
        for sentence in body[6:12]:
            tag_claim(
                sentence=sentence,
                reviewer=other_student,
                label="sourced",
                cited_source=CLASSMATE_SOURCE,
            )
        for sentence in body[12:17]:
            tag_claim(sentence=sentence, reviewer=student, label="opinion")
        self.stranger = make_user("student3", REVIEWERS)


def _class(teacher, student, other_student):
    from classroom.services.classes import create_class

    classroom = create_class(teacher=teacher, name="Framing 10A")
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    return classroom


@pytest.fixture
def world(seeds, teacher, student, other_student, django_user_model) -> World:
    return World(seeds, teacher, student, other_student, django_user_model)


def endpoints(world: World) -> list[tuple[str, str, dict]]:
    """(kind, url, params): every page and endpoint showing figures derived from tags."""
    profile = reverse("outlet-profile", args=[ORIGIN])
    api_profile = reverse("api-outlet-profile", args=[ORIGIN])
    compare = reverse("outlet-compare")
    title_words = "regrouping with Turkish support"  # narrows to the assigned report
    return [
        ("profile", profile, {}),
        ("profile", profile, {"q": title_words}),
        ("profile", profile, {"by": "group"}),
        ("csv", profile, {"format": "csv"}),
        ("json", api_profile, {}),
        ("json", api_profile, {"q": title_words}),
        ("json", api_profile, {"by": "group"}),
        ("compare", compare, {"outlets": COMPARE}),
        ("csv", compare, {"outlets": COMPARE, "format": "csv"}),
        ("json", reverse("api-compare"), {"outlets": COMPARE}),
        ("page", reverse("story-list"), {}),
        ("page", reverse("story-detail", args=[world.story.pk]), {}),
        ("page", reverse("export"), {}),
        ("page", reverse("api-export"), {"format": "csv"}),
        ("page", reverse("api-export"), {"format": "jsonl", "aggregate": "1"}),
        ("page", reverse("article-disagreements", args=[world.article.pk]), {}),
        (
            "page",
            reverse("assignment-disagreements", args=[world.assignment.pk, world.article.pk]),
            {},
        ),
        ("page", reverse("assignment-feedback", args=[world.assignment.pk]), {}),
    ]


def sourced_count(kind: str, response) -> int | None:
    """South Front's sourced claims as the response shows them (None: not a figure here;
    0 also when the figure is suppressed as "fewer than k")."""
    if kind == "json":
        rows = [f for f in response.json()["figures"] if f["outlet"] == ORIGIN]
        return sum((f["labels"]["sourced"]["count"] or 0) for f in rows if "group" not in f)
    if kind == "csv":
        rows = csv.DictReader(io.StringIO(response.content.decode()))  # not streamed
        counts = [
            r["count"]
            for r in rows
            if r["outlet"] == "South Front"
            and r["label"] == "sourced"
            and r["group"] == "all reviewers"
        ]
        return sum(int(c) for c in counts if c.isdigit())
    if kind == "profile" and "profile" in response.context:
        rows = [f for f in response.context["profile"].figures if f.group is None]
        return sum(f.shares[0].count or 0 for f in rows)
    if kind == "compare":
        rows = [f for f in response.context["comparison"].figures if f.outlet.slug == ORIGIN]
        return sum(f.shares[0].count or 0 for f in rows)
    return None


def as_role(client, world: World, role: str, request):
    """Log the client in as the role; "anonymous" stays logged out."""
    users = {
        "teacher": world.classroom.teacher,
        "editor": "editor",
        "student": "student",
        "classmate": "other_student",
        "stranger": world.stranger,
        "no role": "outsider",
    }
    if role == "anonymous":
        return None
    user = users[role]
    if isinstance(user, str):
        user = request.getfixturevalue(user)
    client.force_login(user)
    return user


def get(client, url: str, params: dict):
    """The response and its whole body (a streamed export read to its end)."""
    response = client.get(url, params)
    body = response.getvalue() if getattr(response, "streaming", False) else response.content
    return response, body.decode()


# role -> what it may see: the sourced claims South Front's figures count, and which of
# the two distinctive cited sources appear anywhere.
BEFORE = {
    "teacher": (12, {KEY_SOURCE, CLASSMATE_SOURCE}),
    "editor": (12, {KEY_SOURCE, CLASSMATE_SOURCE}),
    "student": (0, set()),
    "stranger": (12, {KEY_SOURCE, CLASSMATE_SOURCE}),  # not in the class, not in the assignment
}
AFTER = {
    **BEFORE,
    # handed in: the key counts; the classmate, who has not handed in, still does not
    "student": (6, {KEY_SOURCE}),
}


@pytest.mark.parametrize("handed_in", [False, True], ids=["before hand-in", "after hand-in"])
@pytest.mark.parametrize("role", ["teacher", "editor", "student", "stranger"])
@pytest.mark.slow
def test_no_derived_figure_shows_a_viewer_what_the_blind_rule_hides(
    client, world, request, role, handed_in
):
    if handed_in:
        submit(assignment=world.assignment, student=request.getfixturevalue("student"))
    expected_sourced, visible = (AFTER if handed_in else BEFORE)[role]
    as_role(client, world, role, request)

    shown_sources: set[str] = set()
    for kind, url, params in endpoints(world):
        response, body = get(client, url, params)
        # 403/404: a page this role may not open at all (the export, another's class)
        assert response.status_code in (200, 403, 404), (url, params, response.status_code)
        for secret in (KEY_SOURCE, CLASSMATE_SOURCE):
            if secret in body:
                assert secret in visible, (role, url, params, secret)
                shown_sources.add(secret)
        count = sourced_count(kind, response) if response.status_code == 200 else None
        if count is not None and not params.get("q") and params.get("by") != "group":
            assert count == expected_sourced, (role, url, params)
    assert shown_sources == visible, role


@pytest.mark.parametrize("role", ["no role", "anonymous"])
def test_accounts_without_a_role_and_anonymous_visitors_get_no_figure_at_all(
    client, world, request, role
):
    as_role(client, world, role, request)

    for _, url, params in endpoints(world):
        response, body = get(client, url, params)
        # 404: a class they do not belong to is not there for them at all
        assert response.status_code in (302, 401, 403, 404), (url, response.status_code)
        assert KEY_SOURCE not in body and CLASSMATE_SOURCE not in body


def test_after_the_classmate_hands_in_too_their_tags_count_for_the_student(
    client, world, student, other_student
):
    submit(assignment=world.assignment, student=student)
    submit(assignment=world.assignment, student=other_student)
    client.force_login(student)

    data = client.get(reverse("api-outlet-profile", args=[ORIGIN])).json()

    (figures,) = data["figures"]
    assert figures["labels"]["sourced"]["count"] == 12
    assert {s["source"] for s in figures["cited_sources"]["top"]} == {
        KEY_SOURCE,
        CLASSMATE_SOURCE,
    }


def test_past_the_due_date_nothing_is_hidden_by_the_assignment(client, world, student):
    Assignment.objects.filter(pk=world.assignment.pk).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(student)

    data = client.get(reverse("api-outlet-profile", args=[ORIGIN])).json()

    assert data["figures"][0]["labels"]["sourced"]["count"] == 12


def test_toggling_ones_own_label_changes_only_ones_own_vote(client, world, student, teacher):
    """The attack of the issue: classmates and the key label the same sentences; the
    student flips their own label and watches the consensus move."""
    body = [s for s in units(world.assignment) if s.section == "body"][12:17]
    for sentence in body:
        tag_claim(sentence=sentence, reviewer=teacher, label="speculation")
        tag_claim(sentence=sentence, reviewer=world.stranger, label="speculation")
    client.force_login(student)
    url = reverse("api-outlet-profile", args=[ORIGIN])

    def labels() -> dict[str, int | None]:
        (figures,) = client.get(url).json()["figures"]
        return {label: v["count"] for label, v in figures["labels"].items()}

    assert labels() == {
        "sourced": 0,
        "unsourced": 0,
        "opinion": 5,
        "speculation": 0,
        "disputed": 0,
    }
    for sentence in body:
        tag_claim(sentence=sentence, reviewer=student, label="speculation")
    assert labels() == {
        "sourced": 0,
        "unsourced": 0,
        "opinion": 0,
        "speculation": 5,
        "disputed": 0,
    }


def test_a_student_cannot_ask_for_a_group_they_do_not_belong_to(client, world, student):
    client.force_login(student)

    for url, params in [
        (reverse("api-outlet-profile", args=[ORIGIN]), {"group": EDITORS}),
        (reverse("api-compare"), {"outlets": COMPARE, "group": EDITORS}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 400
        message = response.json()["group"][0]
        assert "unknown group 'Editors'" in message and "your groups: Reviewers" in message
    page = client.get(reverse("outlet-profile", args=[ORIGIN]), {"group": EDITORS})
    assert page.status_code == 400 and KEY_SOURCE not in page.content.decode()
    # by group: only the student's own groups get a row, and the form offers only those
    data = client.get(reverse("api-outlet-profile", args=[ORIGIN]), {"by": "group"}).json()
    assert [f["group"] for f in data["figures"]] == [REVIEWERS]
    page = client.get(reverse("outlet-profile", args=[ORIGIN])).content.decode()
    assert f'<option value="{EDITORS}"' not in page and f'<option value="{REVIEWERS}"' in page


def test_an_editor_still_chooses_any_group(client, world, editor):
    client.force_login(editor)

    response = client.get(reverse("api-outlet-profile", args=[ORIGIN]), {"group": EDITORS})

    assert response.status_code == 200
    (figures,) = response.json()["figures"]
    assert figures["labels"]["sourced"]["count"] == 6  # the teacher's key, an editor's tags


def test_small_counts_read_fewer_than_k_for_a_student(client, world, student, settings):
    """Three claims of the student's own make a row too small to show."""
    for tag in ClaimTag.objects.filter(reviewer=student, label="opinion").order_by("pk")[3:]:
        delete_tag(tag=tag, by=student)
    client.force_login(student)

    data = client.get(reverse("api-outlet-profile", args=[ORIGIN])).json()
    (figures,) = data["figures"]
    assert figures["claims"] is None and figures["withheld"] == "fewer than 5"
    assert all(v["count"] is None for v in figures["labels"].values())
    assert data["blind"] == {"min_cell_size": 5, "open_assignments_left_out": True}
    page = client.get(reverse("outlet-profile", args=[ORIGIN])).content.decode()
    assert "fewer than 5" in page and 'id="blind-note"' in page

    settings.ANNOTATOR_MIN_CELL_SIZE = 1  # the setting turns suppression off
    (figures,) = client.get(reverse("api-outlet-profile", args=[ORIGIN])).json()["figures"]
    assert figures["labels"]["opinion"]["count"] == 3


def test_a_small_count_in_a_shown_row_is_withheld_with_what_would_give_it_back(
    client, world, student
):
    """A stranger sees South Front's 15 claims, but not 3 opinions: nor the 12 sourced
    claims (15 - 12 = 3), nor the cited sources that add up to them."""
    for tag in ClaimTag.objects.filter(reviewer=student, label="opinion").order_by("pk")[3:]:
        delete_tag(tag=tag, by=student)
    client.force_login(world.stranger)

    (figures,) = client.get(reverse("api-outlet-profile", args=[ORIGIN])).json()["figures"]

    assert figures["claims"] == 15
    assert figures["labels"]["opinion"] == {
        "count": None,
        "share": None,
        "interval": None,
        "withheld": "fewer than 5",
    }
    assert figures["labels"]["sourced"]["count"] is None
    assert figures["labels"]["sourced"]["withheld"] == "withheld"
    assert figures["labels"]["unsourced"]["count"] == 0
    assert figures["cited_sources"]["sourced_claims"] is None
    assert figures["cited_sources"]["top"] == []
    page = client.get(reverse("outlet-profile", args=[ORIGIN])).content.decode()
    assert KEY_SOURCE not in page and "(12)" not in page and "(3)" not in page
    assert "(fewer than 5)" in page and "(withheld)" in page
    rows = csv.DictReader(
        io.StringIO(
            client.get(reverse("outlet-profile", args=[ORIGIN]), {"format": "csv"}).content.decode()
        )
    )
    assert {r["label"]: r["count"] for r in rows}["opinion"] == "fewer than 5"


def test_a_single_small_count_takes_the_next_smallest_with_it():
    """Total minus the shown counts must not give a suppressed count back."""
    assert suppressed({"a": 12, "b": 3, "c": 7, "d": 0}, 5) == {
        "b": "fewer than 5",
        "c": "withheld",
    }
    assert suppressed({"a": 12, "b": 3, "c": 2, "d": 0}, 5) == {
        "b": "fewer than 5",
        "c": "fewer than 5",
    }
    assert suppressed({"a": 12, "b": 3}, 1) == {}
    assert suppressed({"a": 12, "b": 0}, 5) == {}


def test_the_rule_matches_the_class_pages_own_test_of_who_sees_results(
    world, student, other_student, teacher
):
    submit(assignment=world.assignment, student=other_student)
    for user in (student, other_student, teacher, world.stranger):
        scope = scope_for(user)
        blind = {block.articles for block in scope.hidden if block.reviewers is None}
        member = Membership.objects.filter(student=user).exists()
        assert (world.article.pk in set().union(*blind)) == (
            member and not sees_results(user, world.assignment)
        ), user
    assert scope_for(teacher) is EVERYTHING


def _figures(outlets, scope, **kwargs):
    return {
        (f.outlet.pk, f.group.pk if f.group else 0): (
            dict(f.counts),
            sorted((s.name, s.count) for s in f.sources),
        )
        for f in outlet_figures(outlets=outlets, scope=scope, **kwargs)
    }


@pytest.mark.parametrize("handed_in", [False, True])
def test_the_sql_leaves_out_exactly_what_the_orm_rule_leaves_out(
    world, student, other_student, teacher, editor, handed_in
):
    """The hand-written SQL's conditions against the ORM's: the figures the student sees
    equal everyone's figures once the tags and adjudications the rule hides are deleted."""
    body = [s for s in units(world.assignment) if s.section == "body"]
    for n, sentence in enumerate(body[:14]):
        for reviewer, label in [
            (student, ["sourced", "opinion"][n % 2]),
            (editor, ["opinion", "speculation", "sourced"][n % 3]),
        ]:
            tag_claim(
                sentence=sentence,
                reviewer=reviewer,
                label=label,
                cited_source="Somebody" if label == "sourced" else "",
            )
    Adjudication.objects.create(
        sentence=body[14],
        start=body[14].start,
        end=body[14].end,
        label="unsourced",
        outlet=Outlet.objects.get(slug=ORIGIN),
        adjudicated_by=teacher,
    )
    if handed_in:
        submit(assignment=world.assignment, student=student)
    scope = replace(scope_for(student), min_cell=0, group_ids=None)
    assert scope.hidden
    outlets = list(Outlet.objects.order_by("pk"))

    seen = _figures(outlets, scope)
    seen_by_group = _figures(outlets, scope, by_group=True)
    with transaction.atomic():
        ClaimTag.objects.exclude(pk__in=scope.claim_tags().values("pk")).delete()
        Adjudication.objects.exclude(pk__in=scope.adjudications().values("pk")).delete()
        assert _figures(outlets, EVERYTHING) == seen
        assert _figures(outlets, EVERYTHING, by_group=True) == seen_by_group
        transaction.set_rollback(True)
    assert _figures(outlets, EVERYTHING) != seen  # something was hidden
