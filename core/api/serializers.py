"""What every app's API serializers are built from: text the database can store, a
request body that refuses unknown fields, and the error bodies of the schema.

Reading serializers turn rows into JSON. Writing serializers only check the shape of a
request (types, lengths, choices); the rules (who may, what is consistent) are the
services', which the views call with the validated values. Nothing here saves."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Model
from rest_framework import serializers


class Text(serializers.CharField):
    """A string that the database can store: no NUL (checked by CharField), and no
    unpaired surrogates, which JSON can encode but UTF-8 cannot."""

    def to_internal_value(self, data: object) -> str:
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError("not valid Unicode text") from None
        return value


class WriteSerializer(serializers.Serializer):
    """The base of every serializer that reads a request body: a field it does not know
    is refused, named, instead of being dropped (a misspelt `cited_sourse` would
    otherwise be saved as no cited source at all)."""

    def to_internal_value(self, data: object) -> dict:
        reject_unknown_fields(data, self.fields)
        return super().to_internal_value(data)


def reject_unknown_fields(data: object, fields: Mapping[str, serializers.Field]) -> None:
    """A 400 naming each key of the object `data` that is not one of `fields`."""
    if isinstance(data, Mapping):
        unknown = sorted(set(data) - fields.keys())
        if unknown:
            known = ", ".join(name for name, field in fields.items() if not field.read_only)
            raise serializers.ValidationError(
                {name: [f"unknown field (this one takes: {known})"] for name in unknown}
            )


def model_max_length(model: type[Model], field: str) -> int:
    """The `max_length` of a model's field, so a body is refused before the database would."""
    return model._meta.get_field(field).max_length


def validated(
    serializer: type[serializers.Serializer], data: object, *, partial: bool = False
) -> dict:
    """The request body checked by `serializer`, or a 400 naming each bad field."""
    checked = serializer(data=data, partial=partial)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


class ErrorSerializer(serializers.Serializer):
    """The body of every 401, 403, 404 and 429 (for the schema)."""

    detail = serializers.CharField()
