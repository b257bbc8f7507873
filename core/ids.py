"""Reading database ids from request input.

`str.isdigit()` is true for digits such as '²' that `int()` refuses, and SQLite stores
integers in 64 bits, so a longer number fails inside the database driver: every id read
from a query string, a form or a file goes through `parse_id`, which accepts ASCII digits
naming a positive 64-bit integer and nothing else."""

from __future__ import annotations

from django import forms

#: The largest id either database can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(raw: object) -> int | None:
    """The id that `raw` spells (ASCII digits, 1 to MAX_ID), or None for anything else."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw <= MAX_ID else None
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or len(raw) > _MAX_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose values must be ids (parse_id) before the database is
    asked about them: a value it cannot hold is the field's error, not a 500."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


class IdField(forms.Field):
    """One id (parse_id); left out, None. Given but not an id (empty too): the field's
    `invalid` error."""

    default_error_messages = {"invalid": "must be an id (a whole number)."}

    def to_python(self, value: object) -> int | None:
        if value is None:
            return None
        pk = parse_id(value)
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return pk

    def validate(self, value: int | None) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
