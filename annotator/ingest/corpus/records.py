"""What an import reads and reports: the errors a record can raise, the summary of an
import, a tag as read from a record, and the small readers that check a record's values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from annotator.models import Label


class RecordError(Exception):
    """What is wrong with one record; nothing of the record is saved."""


class NotThisFormat(RecordError):
    """The first record does not look like the format at all: the import stops there."""


@dataclass
class ImportSummary:
    records: int = 0
    imported: int = 0
    articles_created: int = 0
    articles_existing: int = 0
    sentences_created: int = 0
    tags_created: int = 0
    tags_updated: int = 0
    tags_unchanged: int = 0
    tags_kept_newer: int = 0
    adjudications_created: int = 0
    adjudications_updated: int = 0
    users_created: int = 0
    outlets_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    # What the user should know about records that were imported all the same.
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.records} record(s) read, {self.imported} imported, "
            f"{len(self.errors)} rejected; articles: {self.articles_created} new, "
            f"{self.articles_existing} already here; sentences: {self.sentences_created} new; "
            f"tags: {self.tags_created} new, {self.tags_updated} updated, "
            f"{self.tags_unchanged} unchanged, {self.tags_kept_newer} kept (newer here); "
            f"adjudications: {self.adjudications_created} new, "
            f"{self.adjudications_updated} updated; users created: {self.users_created}; "
            f"outlets created: {self.outlets_created}."
        )


@dataclass(frozen=True, slots=True)
class TagIn:
    """A tag as read from a record, checked against the article. A value the record's
    format does not carry is None (see `Importer.merged_values`)."""

    sentence_id: int
    reviewer_id: int
    start: int
    end: int
    label: str
    outlet_id: int | None
    cited_source: str | None
    note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


# --- small readers -----------------------------------------------------------------------


def as_int(value: Any, what: str) -> int:
    """The value, which must be an int (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{what} must be a whole number, not {value!r}")
    return value


def as_str(value: Any, what: str, *, required: bool = False) -> str:
    """The value, which must be a string (non-empty if `required`); None is "" otherwise."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise RecordError(f"{what} must be a {'non-empty ' if required else ''}string")
    return value


def as_datetime(value: Any, what: str, default: dt.datetime) -> dt.datetime:
    """An aware datetime from ISO 8601 text (UTC if it names no zone); `default` if none."""
    if value in (None, ""):
        return default
    try:
        parsed = dt.datetime.fromisoformat(as_str(value, what))
    except ValueError:
        raise RecordError(f"{what} {value!r} is not an ISO 8601 date and time") from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def as_date(value: Any, what: str) -> dt.date | None:
    """A date from YYYY-MM-DD text, or None if there is none."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(as_str(value, what))
    except ValueError:
        raise RecordError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def as_label(value: Any, what: str) -> str:
    """The value, which must be one of our labels."""
    if value not in Label.values:
        raise RecordError(f"{what}: unknown label {value!r}; use one of {', '.join(Label.values)}")
    return value


def as_list(value: Any, what: str) -> list:
    """The value, which must be a list; None is an empty one."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{what} must be a list")
    return value
