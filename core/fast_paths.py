"""The switch of the fast paths: the places where the app replaces a piece of Django's or
DRF's own code with a quicker one, because a request of the API paid for the general
version on every call. Each is one `if fast_path(NAME)` at the top of the override, the
framework's own code when it is off, so that `FAST_PATHS=0` (CI runs the API tests so)
shows the behaviour is the frameworks' and the override only a cost saved.

- "serializer_fields": the tag-write serializers copy their declared fields once per
  class, not per serializer (annotator/api/serializers.py, FieldsOnce).
- "tag_representation": a tag is written out as JSON directly, not field by field
  (annotator/api/serializers.py, TagSerializer).
- "token_sql": a token, its user and the user's permissions in one hand-written statement
  (core/api/authentication.py), instead of the ORM's queries.
- "token_counts": on PostgreSQL that statement also counts the request for the rates
  (core/api/throttling.py); needs "token_sql".
- "permissions_sql": a user's permissions in one query, not ModelBackend's two
  (core/auth/backend.py).
- "connection_check": a kept PostgreSQL connection is checked by polling its socket, not
  by a SELECT 1 round trip (core/db/backends/postgresql).
- "url_cache": the templates' `{% url %}` remembers the URLs it reverses
  (core/templatetags/urls.py), instead of reversing each again on every page.
- "session_sql": a page request's session is read by one hand-written statement
  (core/http/sessions.py, core/db/sessions.py), not the ORM's.
- "session_user": the session's user and their permissions in one hand-written statement
  (core/auth/backend.py, core/db/sessions.py), instead of the ORM's user query and the
  permissions' own.
- "read_ahead": on PostgreSQL an export sends a chunk's queries before it writes the
  chunk before it, in libpq's pipeline mode (core/db/read_ahead.py), instead of reading
  each chunk's querysets through the ORM when it is needed.
- "plain_body": a tag write's body of the plain kind (known fields, each of its JSON
  type and within its bounds) is checked in one pass over rules read once from the
  serializer's fields (annotator/api/serializers.py, PlainBody), instead of DRF running
  each field; any other body is DRF's to convert or refuse."""

from __future__ import annotations

from django.conf import settings


def fast_path(name: str) -> bool:
    """Whether the fast path `name` (one of settings.FAST_PATH_NAMES) is on."""
    return name in settings.FAST_PATHS
