"""Claim tags through the API: idempotent create, spans, visibility, filters, bulk."""

from __future__ import annotations

import json
from contextlib import nullcontext

import pytest
from django.db import connection, connections
from django.utils.dateparse import parse_datetime
from rest_framework.serializers import Serializer

from annotator.api.serializers import TagSerializer
from annotator.models import ClaimTag, Sentence, TagRevision
from annotator.services.tagging import tag_claim, update_tag
from core.cache.routers import ALIAS
from core.fast_paths import fast_path
from sources.models import Outlet
from tests.api.conftest import snapshot
from tests.factories import make_article, make_outlet

TAGS = "/api/tags/"
BULK = "/api/tags/bulk/"


def test_tagging_the_same_claim_twice_leaves_one_tag_created_then_found(api, sentence):
    client = api("student")
    body = {"sentence": sentence.pk, "label": "sourced", "cited_source": "Defense Ministry"}

    first = client.post(TAGS, body)
    second = client.post(TAGS, body)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert ClaimTag.objects.filter(sentence=sentence).count() == 1
    assert TagRevision.objects.filter(sentence=sentence).count() == 1
    tag = first.json()
    assert (tag["start"], tag["end"], tag["is_span"]) == (sentence.start, sentence.end, False)
    assert tag["outlet"] == "south-front"  # the article's origin, not its publisher
    assert tag["reviewer"] == "student1"
    assert tag["text"] == sentence.text


def test_sending_the_same_claim_with_new_values_updates_the_tag(api, sentence):
    client = api("student")
    client.post(TAGS, {"sentence": sentence.pk, "label": "unsourced"})

    response = client.post(
        TAGS, {"sentence": sentence.pk, "label": "opinion", "outlet": "global-research"}
    )

    assert response.status_code == 200
    tag = ClaimTag.objects.get(sentence=sentence)
    assert (tag.label, tag.outlet.slug) == ("opinion", "global-research")
    assert TagRevision.objects.filter(sentence=sentence).count() == 2


def test_a_span_is_a_claim_of_its_own_with_its_own_words(api, sentence):
    client = api("student")
    start = sentence.start + sentence.text.index("28 terrorists")

    whole = client.post(TAGS, {"sentence": sentence.pk, "label": "sourced"})
    span = client.post(
        TAGS,
        {"sentence": sentence.pk, "label": "unsourced", "start": start, "end": sentence.end},
    )

    assert (whole.status_code, span.status_code) == (201, 201)
    assert span.json()["is_span"] is True
    assert span.json()["text"].startswith("28 terrorists were killed")
    assert span.json()["text"] == sentence.article.text[start : sentence.end]
    assert ClaimTag.objects.filter(sentence=sentence).count() == 2


@pytest.mark.parametrize(
    ("offsets", "field"),
    [
        (lambda s: {"start": s.start - 1, "end": s.end}, "span"),
        (lambda s: {"start": s.start, "end": s.end + 1}, "span"),
        (lambda s: {"start": s.start + 10, "end": s.start + 5}, "span"),
        (lambda s: {"start": s.start + 10, "end": s.start + 10}, "span"),
        (lambda s: {"end": s.start}, "span"),
        (lambda s: {"start": -1}, "start"),
        (lambda s: {"end": "ten"}, "end"),
        (lambda s: {"start": 2**40}, "start"),
    ],
    ids=[
        "starts before the sentence",
        "ends past the sentence",
        "end before start",
        "empty",
        "end only, at the sentence start",
        "negative",
        "not a number",
        "too large",
    ],
)
def test_bad_offsets_are_refused_with_a_message(api, sentence, offsets, field):
    client = api("student")
    before = snapshot()

    response = client.post(TAGS, {"sentence": sentence.pk, "label": "opinion"} | offsets(sentence))

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"label": "propaganda"}, "label", "not a valid choice"),
        ({"label": "opinion", "cited_source": "a ministry"}, "cited_source", "only a sourced"),
        ({"label": "opinion", "outlet": "nowhere"}, "outlet", "no outlet 'nowhere'"),
        ({"label": "opinion", "sentence": 10**9}, "sentence", "no sentence"),
        ({"label": "opinion", "note": "x" * 2001}, "note", "2000 characters"),
        ({}, "label", "required"),
    ],
)
def test_a_refused_tag_names_the_field_and_saves_nothing(api, sentence, body, field, message):
    client = api("student")
    before = snapshot()

    response = client.post(TAGS, {"sentence": sentence.pk} | body)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert snapshot() == before


def test_a_tag_on_no_sentence_with_no_outlet_is_told_both(api, sentence):
    client = api("student")
    before = snapshot()

    response = client.post(TAGS, {"sentence": 10**9, "label": "opinion", "outlet": "nowhere"})

    assert response.status_code == 400
    assert response.json() == {
        "sentence": [f"there is no sentence {10**9}"],
        "outlet": ["there is no outlet 'nowhere'"],
    }
    assert snapshot() == before


@pytest.fixture
def tags(sentence, student, other_student):
    """One tag by each student on the same sentence."""
    return {
        "student": tag_claim(sentence=sentence, reviewer=student, label="sourced"),
        "other_student": tag_claim(sentence=sentence, reviewer=other_student, label="opinion"),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("student", {"student1"}),
        ("other_student", {"student2"}),
        ("teacher", {"student1", "student2"}),
        ("admin_user", {"student1", "student2"}),
    ],
)
def test_reviewers_list_only_their_own_tags_and_teachers_everyones(api, tags, who, sees):
    response = api(who).get(TAGS)

    assert response.status_code == 200
    assert {tag["reviewer"] for tag in response.json()["results"]} == sees


def test_a_reviewer_cannot_read_or_change_another_reviewers_tag(api, tags):
    client = api("other_student")
    url = f"{TAGS}{tags['student'].pk}/"
    before = snapshot()

    statuses = [
        client.get(url).status_code,
        client.patch(url, {"label": "speculation"}).status_code,
        client.put(url, {"label": "speculation"}).status_code,
        client.delete(url).status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    assert snapshot() == before


def test_a_teacher_sees_but_cannot_change_a_students_tag(api, tags):
    client = api("teacher")
    url = f"{TAGS}{tags['student'].pk}/"
    before = snapshot()

    assert client.get(url).json()["label"] == "sourced"
    for response in [client.patch(url, {"label": "opinion"}), client.delete(url)]:
        assert response.status_code == 403
        assert "your own tags" in response.json()["detail"]
    assert snapshot() == before


def test_patch_changes_only_what_it_sends_and_put_replaces(api, sentence, tags):
    client = api("student")
    url = f"{TAGS}{tags['student'].pk}/"
    client.patch(url, {"cited_source": "Syrian Defense Ministry", "note": "named source"})

    patched = client.patch(url, {"outlet": "global-research"})
    put = client.put(url, {"label": "unsourced"})

    assert patched.status_code == 200
    assert (patched.json()["label"], patched.json()["cited_source"], patched.json()["note"]) == (
        "sourced",
        "Syrian Defense Ministry",
        "named source",
    )
    assert patched.json()["outlet"] == "global-research"
    assert put.status_code == 200
    assert (put.json()["label"], put.json()["cited_source"], put.json()["note"]) == (
        "unsourced",
        "",
        "",
    )
    assert put.json()["outlet"] == "south-front"
    assert (put.json()["start"], put.json()["end"]) == (sentence.start, sentence.end)


def test_a_tag_reads_the_same_as_drfs_field_by_field_walk(api, sentence, student):
    """TagSerializer writes its fields out by hand; DRF's generic walk over the declared
    fields must give the same JSON, for a whole sentence changed after it was made and a
    span with every field set."""
    client = api("student")
    start = sentence.start + sentence.text.index("28 terrorists")
    client.post(TAGS, {"sentence": sentence.pk, "label": "opinion", "note": "<b>hm</b> é"})
    client.post(TAGS, {"sentence": sentence.pk, "label": "speculation"})  # changed
    client.post(
        TAGS,
        {
            "sentence": sentence.pk,
            "start": start,
            "end": start + 13,
            "label": "sourced",
            "outlet": "global-research",
            "cited_source": "Defense Ministry",
        },
    )
    listed = client.get(TAGS).json()["results"]

    tags = ClaimTag.objects.select_related("sentence", "reviewer", "outlet").order_by("pk")
    walked = [Serializer.to_representation(TagSerializer(), tag) for tag in tags]
    written = [TagSerializer(tag).data for tag in tags]

    assert len(walked) == 2
    assert written == walked
    changed, made = written
    assert parse_datetime(changed["updated_at"]) > parse_datetime(changed["created_at"])
    assert made["updated_at"] == made["created_at"]
    assert listed == json.loads(json.dumps(walked))
    assert list(written[0]) == list(TagSerializer().fields)  # same keys, same order


def test_deleting_my_tag_keeps_its_history(api, tags):
    tag = tags["student"]

    response = api("student").delete(f"{TAGS}{tag.pk}/")

    assert response.status_code == 204
    assert not ClaimTag.objects.filter(pk=tag.pk).exists()
    assert TagRevision.objects.filter(reviewer=tag.reviewer).latest("pk").action == "deleted"


def test_a_tag_deleted_already_is_a_404_to_delete_patch_and_put_and_stays_deleted(api, tags):
    tag = tags["student"]
    client = api("student")
    assert client.delete(f"{TAGS}{tag.pk}/").status_code == 204

    again = client.delete(f"{TAGS}{tag.pk}/")
    patched = client.patch(f"{TAGS}{tag.pk}/", {"label": "opinion"})
    put = client.put(f"{TAGS}{tag.pk}/", {"label": "opinion"})

    assert [again.status_code, patched.status_code, put.status_code] == [404, 404, 404]
    assert again["Content-Type"] == "application/json"
    assert not ClaimTag.objects.filter(reviewer=tag.reviewer).exists()
    history = TagRevision.objects.filter(reviewer=tag.reviewer).order_by("seq")
    assert [r.action for r in history] == ["created", "deleted"]


def test_patch_keeps_what_it_does_not_send_as_it_stands_when_written(api, tags):
    tag = tags["student"]
    # Changed since the client read it (another tab), in a field the PATCH leaves out.
    update_tag(tag=tag, by=tag.reviewer, label=tag.label, note="from the other tab")

    response = api("student").patch(f"{TAGS}{tag.pk}/", {"label": "speculation"})

    assert response.status_code == 200
    assert (response.json()["label"], response.json()["note"]) == (
        "speculation",
        "from the other tab",
    )


# Filters


@pytest.fixture
def corpus(student, other_student):
    """A few tags across articles, labels and outlets: "001" is South Front's, "004"
    South Front's republished by 21st Century Wire; "s001" its ten sentences in order."""
    south_front = make_outlet("South Front")
    make_outlet("Global Research")
    a001 = make_article(
        sentences=[f"The report states claim number {n} here." for n in range(10)],
        outlet=south_front,
    )
    a004 = make_article(outlet=south_front, publisher=make_outlet("21st Century Wire"))
    s001 = list(a001.sentences.order_by("position"))
    s004 = list(a004.sentences.order_by("position"))
    tag_claim(sentence=s001[3], reviewer=student, label="sourced")
    tag_claim(sentence=s001[4], reviewer=student, label="opinion")
    tag_claim(sentence=s004[0], reviewer=student, label="opinion", outlet=a004.publisher)
    tag_claim(sentence=s004[1], reviewer=other_student, label="speculation")
    return {"001": a001, "004": a004, "s001": s001}


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("student", {"label": "opinion"}, 2),
        ("student", {"article": "{a001}"}, 2),
        ("student", {"outlet": "21st-century-wire"}, 1),
        ("student", {"outlet": "south-front"}, 2),
        ("student", {"section": "body"}, 3),
        ("student", {"sentence": "{s001_3}"}, 1),
        ("student", {"reviewer": "student1"}, 3),
        ("teacher", {"reviewer": "student2"}, 1),
        ("teacher", {"label": "speculation", "article": "{a004}"}, 1),
        ("teacher", {}, 4),
    ],
)
def test_tags_filter_by_the_allowed_fields(api, corpus, who, query, expected):
    places = {
        "a001": corpus["001"].pk,
        "a004": corpus["004"].pk,
        "s001_3": corpus["s001"][3].pk,
    }
    query = {key: str(value).format(**places) for key, value in query.items()}

    response = api(who).get(TAGS, query)

    assert response.status_code == 200, response.json()
    assert response.json()["count"] == expected


@pytest.mark.parametrize(
    "query",
    [
        {"label": "foo"},
        {"reviewer": "abc"},
        {"reviewer": "student2"},  # exists, but a reviewer may not see it
        {"article": "abc"},
        {"article": "999999999"},
        {"article": "99999999999999999999999999"},
        {"sentence": "-1"},
        {"outlet": "no-such-outlet"},
        {"section": "advert"},
        {"ordering": "reviewer__password"},
        {"page": "0"},
        {"page_size": "abc"},
        {"page_size": "501"},
    ],
)
def test_unknown_filter_values_are_a_400_naming_the_parameter(api, corpus, query):
    response = api("student").get(TAGS, query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


@pytest.mark.parametrize(
    "parameter",
    [
        "reviewer__password__startswith",
        "sentence__article__imported_by__password__startswith",
        "reviewer__username",
    ],
)
def test_filtering_on_other_fields_is_refused_and_leaks_nothing(api, corpus, student, parameter):
    client = api("teacher")
    # A right guess at the start of a password hash (or a username) and a wrong one.
    start = student.password[:6] if "password" in parameter else student.username[:6]
    right = client.get(TAGS, {parameter: start})
    wrong = client.get(TAGS, {parameter: "zzzzzz"})

    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json()
    assert "unknown query parameter" in right.json()[parameter][0]
    assert student.password[:6] not in right.content.decode()


def test_ordering_and_pages_go_through_all_tags_once(api, corpus):
    client = api("teacher")

    first = client.get(TAGS, {"ordering": "-id", "page_size": 3})
    second = client.get(first.json()["next"])

    ids = [t["id"] for t in first.json()["results"] + second.json()["results"]]
    assert ids == sorted(ClaimTag.objects.values_list("pk", flat=True), reverse=True)
    assert second.json()["next"] is None


def _make_tags(reviewer, count: int) -> None:
    """`count` tags by `reviewer`: whole sentences, then first-word spans."""
    sentences = list(Sentence.objects.order_by("pk"))
    claims = [(s, s.start, s.end) for s in sentences] + [
        (s, s.start, s.start + 1) for s in sentences
    ]
    assert len(claims) >= count
    ClaimTag.objects.bulk_create(
        ClaimTag(
            sentence=s,
            reviewer=reviewer,
            start=start,
            end=end,
            label="opinion",
            outlet_id=s.article.origin_id,
        )
        for s, start, end in claims[:count]
    )


def authenticating() -> int:
    """The statements on the app's database that authenticate a token's request and count
    it for the rates: with the fast paths on, the token, its user and their permissions in
    one, which on PostgreSQL also counts the request; with them off (FAST_PATHS=0,
    core/fast_paths.py) the token with its user, the permissions (ModelBackend: the
    user's, then their groups'), and the count (core/cache: one statement for all the
    view's rates). On SQLite the count is in the cache's own database (see _counted)."""
    if fast_path("token_sql"):
        statements = 1
        counted = connection.vendor == "postgresql" and fast_path("token_counts")
    else:
        statements = 1 + (1 if fast_path("permissions_sql") else 2)
        counted = False
    return statements + (0 if counted or ALIAS in connections else 1)


def _counted(django_assert_num_queries):
    """On SQLite a request's rate counts are one statement in the cache's own database
    (core/cache/routers.py); elsewhere they are on the app's (see authenticating)."""
    if ALIAS not in connections:
        return nullcontext()
    return django_assert_num_queries(1, connection=connections[ALIAS])


@pytest.mark.parametrize("count", [100, 300])
@pytest.mark.parametrize("who", ["student", "teacher"])
def test_listing_100_tags_a_page_takes_a_constant_number_of_queries(
    api, seeds, student, who, count, django_assert_num_queries
):
    _make_tags(student, count)
    client = api(who)
    client.get("/api/me/")  # the throttle's first count in this window is not the point

    # authenticating (see above), the count, the page
    with django_assert_num_queries(authenticating() + 2), _counted(django_assert_num_queries):
        response = client.get(TAGS, {"page_size": 100})

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == 100


def test_creating_a_tag_takes_a_fixed_few_statements(api, sentence, django_assert_num_queries):
    client = api("student")
    # the throttles' and the token's first use in this window are not the point
    span = {"start": sentence.start, "end": sentence.start + 1}
    client.post(TAGS, {"sentence": sentence.pk, "label": "opinion", **span})

    # authenticating (see above: the two throttles, every request and writes, count in
    # one statement), then on PostgreSQL one statement: the sentence with its outlets,
    # the tag and its revision. On SQLite the sentence, the tag, its revision (here in
    # the test's transaction; a request of its own puts them between BEGIN and COMMIT).
    writes = 1 if connection.vendor == "postgresql" else 3
    with (
        django_assert_num_queries(authenticating() + writes),
        _counted(django_assert_num_queries),
    ):
        response = client.post(TAGS, {"sentence": sentence.pk, "label": "opinion"})

    assert response.status_code == 201
    assert TagRevision.objects.get(tag_id=response.json()["id"]).action == "created"


def test_sending_a_claim_already_so_reads_it_in_as_few_statements_and_writes_nothing(
    api, sentence, django_assert_num_queries
):
    client = api("student")
    body = {"sentence": sentence.pk, "label": "opinion", "note": "as before"}
    first = client.post(TAGS, body)

    # PostgreSQL: the one statement that would write the tag also finds it as it is. On
    # SQLite the sentence, the upsert that changes nothing, and the tag read back.
    reads = 1 if connection.vendor == "postgresql" else 3
    with (
        django_assert_num_queries(authenticating() + reads),
        _counted(django_assert_num_queries),
    ):
        again = client.post(TAGS, body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert TagRevision.objects.filter(sentence=sentence).count() == 1


def test_a_tag_naming_its_outlet_reads_the_outlet_then_writes_as_one_that_does_not(
    api, sentence, django_assert_num_queries
):
    client = api("student")
    client.post(TAGS, {"sentence": sentence.pk, "label": "opinion", "end": sentence.end - 1})
    outlet = Outlet.objects.exclude(pk=sentence.article.origin_id).order_by("pk").first()

    writes = 1 if connection.vendor == "postgresql" else 3
    with (
        django_assert_num_queries(authenticating() + 1 + writes),
        _counted(django_assert_num_queries),
    ):
        response = client.post(
            TAGS, {"sentence": sentence.pk, "label": "opinion", "outlet": outlet.slug}
        )

    assert response.status_code == 201
    assert response.json()["outlet"] == outlet.slug
    assert ClaimTag.objects.get(pk=response.json()["id"]).outlet == outlet


# Bulk


def test_bulk_applies_every_tag_in_one_go(api, corpus):
    s = corpus["s001"]
    client = api("student")
    body = {
        "tags": [
            {"sentence": s[3].pk, "label": "sourced"},  # already tagged so: unchanged
            {"sentence": s[4].pk, "label": "speculation"},  # was opinion: updated
            {"sentence": s[5].pk, "label": "unsourced"},
            {"sentence": s[6].pk, "label": "opinion", "outlet": "global-research"},
        ]
    }

    response = client.post(BULK, body)
    again = client.post(BULK, body)

    assert response.status_code == 200
    result = response.json()
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 1, 1)
    assert [t["sentence"] for t in result["tags"]] == [item["sentence"] for item in body["tags"]]
    assert result["tags"][3]["outlet"] == "global-research"
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        4,
    )
    assert ClaimTag.objects.filter(reviewer__username="student1").count() == 5


@pytest.mark.parametrize("size", [3, 12])
def test_a_bulk_request_writes_each_tag_with_its_revision_and_nothing_more(
    api, seeds, size, django_assert_num_queries
):
    client = api("student")
    sentences = list(seeds["000"].sentences.order_by("position")[: size + 1])
    client.post(BULK, {"tags": [{"sentence": sentences[-1].pk, "label": "opinion"}]})

    # authenticating, the sentences with their outlets (one query for all), the
    # request's transaction (here, in the test's, a savepoint and its release), the
    # claims' locks (PostgreSQL), then every tag and its revision together, whatever
    # their number: one statement on PostgreSQL; on SQLite the tags, then the revisions.
    locks = 1 if connection.vendor == "postgresql" else 0
    writes = 1 if connection.vendor == "postgresql" else 2
    with (
        django_assert_num_queries(authenticating() + 1 + 2 + locks + writes),
        _counted(django_assert_num_queries),
    ):
        response = client.post(
            BULK, {"tags": [{"sentence": s.pk, "label": "sourced"} for s in sentences[:size]]}
        )

    assert response.status_code == 200
    assert response.json()["created"] == size
    assert TagRevision.objects.filter(action="created").count() == size + 1


def test_bulk_is_all_or_nothing_with_an_error_for_each_item(api, corpus):
    s = corpus["s001"]
    client = api("student")
    before = snapshot()

    response = client.post(
        BULK,
        {
            "tags": [
                {"sentence": s[5].pk, "label": "unsourced"},
                {"sentence": s[6].pk, "label": "opinion", "cited_source": "someone"},
                {"sentence": 10**9, "label": "opinion"},
                {"sentence": s[7].pk, "label": "opinion", "start": s[7].end, "end": s[7].start},
                {"sentence": s[8].pk, "label": "gossip"},
                "not an object",
                None,
            ]
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert "Nothing was saved: 6 of 7" in body["detail"]
    assert [sorted(problem) for problem in body["errors"]] == [
        [],
        ["cited_source"],
        ["sentence"],
        ["span"],
        ["label"],
        ["non_field_errors"],
        ["non_field_errors"],
    ]
    assert body["errors"][-1]["non_field_errors"] == ["No data provided"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [{"tags": []}, {"tags": "all"}, {}, {"tags": [{"sentence": 1, "label": "opinion"}] * 501}],
    ids=["empty", "not a list", "missing", "too many"],
)
def test_a_bulk_request_that_is_not_a_list_of_tags_is_refused(api, seeds, body):
    response = api("student").post(BULK, body)

    assert response.status_code == 400
    assert "list of 1 to 500" in response.json()["tags"][0]
    assert not ClaimTag.objects.exists()


@pytest.fixture
def not_claims(seeds) -> dict[str, Sentence]:
    """An article with a byline and a credit line beside its claims, by section."""
    article = make_article(
        "Troops advanced on the town, officials said.\n\n"
        "By Jane Roe\n\n"
        "This article was originally published by Riverside Daily.\n\n"
        "The ministry reported 28 casualties."
    )
    return {s.section: s for s in Sentence.objects.filter(article=article)}


@pytest.mark.parametrize(
    ("section", "kind"), [("byline", "byline"), ("credit", "credit or page furniture")]
)
def test_a_byline_or_credit_line_is_no_claim_and_the_api_refuses_to_tag_it(
    api, not_claims, section, kind
):
    client = api("student")
    line = not_claims[section]
    before = snapshot()

    whole = client.post(TAGS, {"sentence": line.pk, "label": "opinion"})
    span = client.post(
        TAGS, {"sentence": line.pk, "label": "opinion", "start": line.start, "end": line.start + 2}
    )

    for response in (whole, span):
        assert response.status_code == 400
        assert response.json() == {
            "sentence": [f"sentence {line.pk} is not a claim ({kind}): it cannot be tagged"]
        }
    assert snapshot() == before


def test_a_bulk_request_with_a_byline_saves_nothing_and_names_that_item(api, not_claims):
    client = api("student")
    before = snapshot()

    response = client.post(
        BULK,
        {
            "tags": [
                {"sentence": not_claims["body"].pk, "label": "sourced"},
                {"sentence": not_claims["byline"].pk, "label": "opinion"},
            ]
        },
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0] == {}
    assert "is not a claim (byline)" in errors[1]["sentence"][0]
    assert snapshot() == before


def test_a_tag_whose_sentence_became_a_byline_cannot_change_but_can_be_deleted(
    api, not_claims, teacher
):
    from annotator.services.sentences import correct_section

    client = api("student")
    claim = not_claims["body"]
    tag = client.post(TAGS, {"sentence": claim.pk, "label": "sourced"}).json()
    correct_section(sentence=claim, section="byline", by=teacher)

    changed = client.patch(f"{TAGS}{tag['id']}/", {"label": "opinion"})
    deleted = client.delete(f"{TAGS}{tag['id']}/")

    assert changed.status_code == 400
    assert "is not a claim (byline)" in changed.json()["sentence"][0]
    assert deleted.status_code == 204
    assert list(
        TagRevision.objects.filter(sentence=claim).order_by("seq").values_list("action", flat=True)
    ) == ["created", "deleted"]
