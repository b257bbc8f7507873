"""The fast paths (core/fast_paths.py) only save time: with them off, the API runs Django's
and DRF's own code and must answer every request the same (CI also runs all the API
tests with FAST_PATHS=0)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient

from annotator.api.serializers import TagCreateSerializer, TagValuesSerializer
from annotator.models import ClaimTag, Sentence
from tests.api.conftest import client_for

EVERY = frozenset(settings.FAST_PATH_NAMES)
# Fields that differ from one run of the same requests to the next.
VARYING = {"id", "created_at", "updated_at"}


def _plain(value: object) -> object:
    """`value` without the fields that differ between runs."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _answers(clients: dict[str, APIClient], sentences: list[Sentence]) -> list[object]:
    """Send the same requests (reads, writes, refusals) and return each answer as a
    user sees it: status, the JSON or the error, the content type. Leaves the tags as
    it found them (the history aside)."""
    student, teacher = clients["student"], clients["teacher"]
    first, second, third = sentences
    span = {"start": first.start, "end": first.start + 5}
    requests = [
        (student, "get", "/api/me/", None, {}),
        (student, "post", "/api/tags/", {"sentence": first.pk, "label": "opinion"}, {}),
        (student, "post", "/api/tags/", {"sentence": first.pk, "label": "sourced"}, {}),
        (student, "post", "/api/tags/", {"sentence": first.pk, "label": "speculation", **span}, {}),
        (
            student,
            "post",
            "/api/tags/bulk/",
            {
                "tags": [
                    {"sentence": second.pk, "label": "unsourced", "note": "<b>é</b>"},
                    {"sentence": third.pk, "label": "sourced", "cited_source": "a minister"},
                ]
            },
            {},
        ),
        (student, "get", "/api/tags/", None, {}),
        (student, "get", "/api/tags/", None, {"HTTP_ACCEPT": "application/json"}),
        (student, "get", "/api/tags/", None, {"HTTP_ACCEPT": "text/html"}),  # 406
        (student, "get", "/api/tags/", None, {"HTTP_ACCEPT": "application/json; indent=2"}),
        (student, "post", "/api/tags/", {"sentence": first.pk, "label": "x"}, {}),
        (student, "post", "/api/tags/", {"sentence": first.pk, "labl": "opinion"}, {}),
        (teacher, "get", "/api/tags/", None, {}),
        (teacher, "get", "/api/articles/", None, {}),
        (clients["outsider"], "get", "/api/tags/", None, {}),  # no role: 403
        (clients["expired"], "get", "/api/me/", None, {}),
        (clients["inactive"], "get", "/api/me/", None, {}),
        (clients["wrong"], "get", "/api/me/", None, {}),
        (clients["anonymous"], "get", "/api/me/", None, {}),
    ]
    answers = []
    for client, method, path, body, headers in requests:
        response = getattr(client, method)(path, body, format="json", **headers)
        answers.append(
            (
                method,
                path,
                response.status_code,
                response["Content-Type"],
                _plain(response.json()),
            )
        )
    ClaimTag.objects.all().delete()
    return answers


@pytest.fixture
def clients(
    seeds, student, teacher, outsider, other_student, django_user_model
) -> dict[str, APIClient]:
    def sending(key: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    _, expired = AuthToken.objects.create(other_student, expiry=timedelta(minutes=-1))
    _, key = AuthToken.objects.create(other_student)
    gone = django_user_model.objects.create_user("gone", is_active=False)
    return {
        "student": client_for(student),
        "teacher": client_for(teacher),
        "outsider": client_for(outsider),
        "expired": sending(expired),
        "inactive": client_for(gone),
        "wrong": sending(key[:-4] + ("abcd" if key[-4:] != "abcd" else "dcba")),
        "anonymous": APIClient(),
    }


def test_the_api_answers_the_same_with_the_fast_paths_off(clients, seeds):
    sentences = list(Sentence.objects.filter(article=seeds["001"], section="body")[:3])

    with override_settings(FAST_PATHS=EVERY):
        fast = _answers(clients, sentences)
    with override_settings(FAST_PATHS=frozenset()):
        plain = _answers(clients, sentences)

    assert [answer[2] for answer in fast] == [
        *(200, 201, 200, 201, 200, 200, 200, 406, 200, 400, 400, 200, 200),
        *(403, 401, 401, 401, 401),  # no role; expired, inactive, wrong and no token
    ]
    assert plain == fast


@pytest.mark.parametrize("serializer", [TagCreateSerializer, TagValuesSerializer])
def test_a_tag_writes_serializer_gets_fields_of_its_own(serializer):
    """The fields copied from the class's prototypes (serializer_fields) are the fields
    DRF would make: same type and settings, bound to this serializer alone, and the
    prototypes stay unbound, so that two requests at once do not share a field."""
    with override_settings(FAST_PATHS=EVERY):
        first, second = serializer(data={}), serializer(data={})
        fast = first.fields
        other = second.fields
    with override_settings(FAST_PATHS=frozenset()):
        plain = serializer(data={}).fields

    assert list(fast) == list(plain)
    for name, field in fast.items():
        assert type(field) is type(plain[name])
        assert field.parent is first and other[name].parent is second
        assert field is not other[name]
        assert (field.field_name, field.source, field.required, field.default) == (
            plain[name].field_name,
            plain[name].source,
            plain[name].required,
            plain[name].default,
        )
        assert repr(field) == repr(plain[name])  # the arguments it was declared with
        assert [type(v) for v in field.validators] == [type(v) for v in plain[name].validators]
    for prototype in serializer._prototype_fields.values():
        assert prototype.parent is None


def test_a_tag_write_checks_its_body_the_same_with_the_fields_copied():
    bodies = [
        {"sentence": 1, "label": "opinion"},
        {"sentence": 1, "start": 3, "end": 9, "label": "sourced", "cited_source": "a"},
        {"sentence": 0, "label": "opinion"},
        {"sentence": "x", "start": -1, "label": "maybe", "note": "n" * 20_000},
        {"sentence": 1, "label": "opinion", "outlet": "not a slug!"},
        {"label": "opinion", "cited_sourse": "typo"},
    ]

    def checked(fast_paths):
        out = []
        with override_settings(FAST_PATHS=fast_paths):
            for body in bodies:
                serializer = TagCreateSerializer(data=body)
                valid = serializer.is_valid()
                out.append((valid, dict(serializer.validated_data) if valid else serializer.errors))
        return out

    fast, plain = checked(EVERY), checked(frozenset())
    assert fast == plain
    assert [valid for valid, _ in fast] == [True, True, False, False, False, False]


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=12),
    st.sampled_from([0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63)]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-5, max_value=5),
    st.sampled_from(["opinion", "sourced", "Opinion", "rumour", "", "  ", " sourced "]),
    st.sampled_from(["south-front", "global_research", "21st-century-wire", "not a slug!"]),
    st.sampled_from(["12", "1.0", "x" * 81, "n" * 2001, "a\x00b", "\ud800", "é ", "\n"]),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
)
_KEYS = st.sampled_from(
    ["sentence", "start", "end", "label", "outlet", "cited_source", "note", "labl", "extra"]
)


# Bodies of any shape, and bodies close to what a script sends (the fields it needs,
# each of its type, with any of the others), where the plain pass answers most.
_TRICKY = ["a\x00b", "\ud800", "\ud800 ", " \t", "é", "x" * 301, "n" * 2001, "n" * 2000]
_TEXTS = st.one_of(st.text(max_size=6), st.sampled_from(_TRICKY))
_NEAR = st.fixed_dictionaries(
    {
        "sentence": st.integers(min_value=-1, max_value=2**63),
        "label": st.sampled_from(["opinion", "sourced", "unsourced", "speculation", "x"]),
    },
    optional={
        "start": st.one_of(st.none(), st.integers(min_value=-1, max_value=2**31)),
        "end": st.one_of(st.none(), st.integers(min_value=-1, max_value=2**31)),
        "outlet": st.one_of(st.none(), st.from_regex(r"[-a-z0-9_ ]{0,12}", fullmatch=True)),
        "cited_source": st.one_of(st.none(), _TEXTS),
        "note": _TEXTS,
    },
)
_BODIES = st.one_of(st.dictionaries(_KEYS, _VALUES, max_size=8), _NEAR)


@given(body=_BODIES, partial=st.booleans())
@hypothesis_settings(max_examples=400, deadline=None, derandomize=True)
def test_a_tag_writes_body_is_checked_alike_on_the_plain_pass_and_by_drf(body, partial):
    """plain_body: whatever the body, the plain pass and DRF's fields accept the same
    bodies with the same values, and refuse the same with the same errors."""

    def checked(fast_paths, serializer):
        with override_settings(FAST_PATHS=fast_paths):
            one = serializer(data=body, partial=partial)
            valid = one.is_valid()
            return valid, dict(one.validated_data) if valid else one.errors

    for serializer in (TagCreateSerializer, TagValuesSerializer):
        assert checked(EVERY, serializer) == checked(frozenset(), serializer)


def test_the_plain_pass_takes_the_bodies_scripts_send():
    """The plain pass is the one that answers what a script sends, not DRF's."""
    from annotator.api.serializers import _body_rules, _plain_values

    rules = _body_rules(TagCreateSerializer)
    bodies = [
        {"sentence": 7, "label": "opinion"},
        {"sentence": 7, "start": 0, "end": 40, "label": "sourced", "cited_source": " a "},
        {"sentence": 7, "label": "speculation", "outlet": "south-front", "note": None},
    ]
    assert [_plain_values(rules, body) for body in bodies[:2]] == [
        {
            "label": "opinion",
            "outlet": None,
            "cited_source": "",
            "note": "",
            "sentence": 7,
            "start": None,
            "end": None,
        },
        {
            "label": "sourced",
            "outlet": None,
            "cited_source": "a",
            "note": "",
            "sentence": 7,
            "start": 0,
            "end": 40,
        },
    ]
    # A note of null is DRF's to refuse (the field does not allow it).
    assert _plain_values(rules, bodies[2]) is None
