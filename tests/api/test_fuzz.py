"""Schema-driven fuzzing: schemathesis reads /api/schema/ and sends requests built from it
(valid ones, and invalid ones that break the schema on purpose) to every operation,
as a reviewer and as an editor. No answer may be a server error, and every answer must
match what the schema says about that status code and content type.

Bounded: a fixed number of examples per operation and a fixed seed, so a run is the
same every time and takes well under a minute."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotator.api.urls import urlpatterns as annotator_routes
from annotator.models import Sentence
from annotator.services.tagging import tag_claim
from sources.api.urls import urlpatterns as outlet_routes
from tests.conftest import api_key

EXAMPLES = 12  # per operation and role
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": 20260101,
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}
# This package's endpoints (other parts of the app add theirs under /api/ and test them
# themselves), as the schema writes their paths.
OWN = {
    "/api/" + re.sub(r"<\w+:(\w+)>", r"{\1}", str(p.pattern)).replace("{pk}", "{id}")
    for p in annotator_routes + outlet_routes
    if p.name not in {"api-schema", "api-docs"}
}
# Creating or revoking the token that the run authenticates with would turn the rest of
# the run into 401s; the grid and token tests cover these two.
SKIPPED = {("POST", "/api/tokens/"), ("DELETE", "/api/tokens/")}


def _fuzzed(ctx) -> bool:
    operation = ctx.operation
    return operation.path in OWN and (operation.method.upper(), operation.path) not in SKIPPED


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The requests go through the WSGI handler, which closes database connections that
    are not in autocommit mode when a request starts and ends, as a test's transaction is
    not (Django's own test client suspends this in the same way)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(seeds, student, other_student, teacher, settings) -> dict[str, dict]:
    """Headers for a reviewer and an editor, with tags (theirs and another reviewer's)
    to find, and throttles out of the way."""
    for reviewer in (student, other_student, teacher):
        for sentence in Sentence.objects.filter(article=seeds["001"])[:3]:
            tag_claim(sentence=sentence, reviewer=reviewer, label="opinion")
    rates = {scope: "1000000/hour" for scope in ("anon", "user", "write", "import")}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    return {
        who: {"Authorization": f"Token {api_key(user)}"}
        for who, user in (("reviewer", student), ("editor", teacher))
    }


def _load_schema() -> schemathesis.schemas.BaseSchema:
    """The schema that /api/schema/ serves, made when the module is collected, before
    there is a test database: made directly rather than requested, as the request would
    be counted by the anonymous throttle, in the cache that lives in the database. The
    requests go to the WSGI application, inside each test's database transaction."""
    document = OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True))
    loaded = schemathesis.openapi.from_dict(
        json.loads(document), config=SchemathesisConfig.from_dict(CONFIG)
    )
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    return loaded


schema = _load_schema().include(func=_fuzzed)


@schema.parametrize()
# The fixtures are set up once per operation, not per example: the examples share the
# seeds, users and tags (what they create along the way stays until the test ends).
# Derandomized, without an example database: every run sends the same requests.
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@pytest.mark.slow
def test_the_api_never_fails_and_always_answers_as_its_schema_says(case, fuzz_headers):
    for headers in fuzz_headers.values():
        case.call_and_validate(headers=headers, checks=CHECKS)
