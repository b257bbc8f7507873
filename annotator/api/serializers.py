"""What the API reads and writes, field by field.

Reading serializers turn rows into JSON. Writing serializers only check the shape of a
request (types, lengths, choices); the rules (who may, what is consistent) are the
services', which the views call with the validated values. Nothing here saves."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import NamedTuple

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.fields import empty

from annotator.models import Article, ClaimTag, Label, Sentence
from annotator.services.articles import UPLOAD_FORMATS
from annotator.services.tagging import NOTE_MAX_CHARS
from core.api.serializers import Text, WriteSerializer, model_max_length
from core.fast_paths import fast_path
from core.text.sections import Section
from sources.models import Outlet

MAX_ID = 2**63 - 1  # the largest primary key; anything larger matches nothing
MAX_OFFSET = 2**31 - 1  # offsets are PositiveIntegerFields
MAX_BULK = 500


class FieldsOnce:
    """For the serializers of every tag write: DRF deep-copies each declared field for
    every serializer it makes, re-creating the field from its arguments, which costs a
    tag write more than its SQL. These are deep-copied once per class, and each
    serializer gets a shallow copy of each field to bind (nested serializers, which
    hold bound children, are still deep-copied). A fast path (core/fast_paths.py)."""

    _declared_fields: dict[str, serializers.Field]

    def get_fields(self) -> dict[str, serializers.Field]:
        if not fast_path("serializer_fields"):
            return super().get_fields()
        cls = type(self)
        prototypes = cls.__dict__.get("_prototype_fields")
        if prototypes is None:
            prototypes = copy.deepcopy(self._declared_fields)
            cls._prototype_fields = prototypes
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else _copy(field)
            for name, field in prototypes.items()
        }


def _copy(field: serializers.Field) -> serializers.Field:
    """A shallow copy of an unbound field: what copy.copy makes of it (a field has no
    __copy__ and no slots), without copy's way through the pickling protocol. Checking
    a one-tag body took 71 us, half of it copy.copy, then 49 us (in process, best of 5
    runs of 3,000)."""
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    return copied


class PlainBody:
    """For the serializers of every tag write: a body of the plain kind, which nearly
    every request sends (an object of known fields, each of its field's own JSON type,
    within its bounds), is checked in one pass over rules read once from the declared
    fields, instead of DRF's run of each field (its empty-value checks, conversion and
    validator objects): what DRF makes of it, and a fast path (core/fast_paths.py:
    "plain_body"). Anything else (a string for a number, a missing required field, a
    value out of bounds, an unknown field, a partial update) goes to DRF, which converts
    it or names what is wrong, as before."""

    root: serializers.BaseSerializer

    def to_internal_value(self, data: object) -> dict:
        if fast_path("plain_body") and not self.root.partial and type(data) is dict:
            values = _plain_values(_body_rules(type(self)), data)
            if values is not None:
                return values
        return super().to_internal_value(data)  # type: ignore[misc]


_INTEGER, _TEXT, _CHOICE = range(3)
_MISSING = object()


class _Rule(NamedTuple):
    name: str
    kind: int
    required: bool
    default: object  # _MISSING: none (a missing field is left out)
    allow_null: bool
    low: int | None = None  # integers
    high: int | None = None
    max_length: int | None = None  # texts
    allow_blank: bool = False
    trim: bool = False
    unicode: bool = False  # checked to encode as UTF-8 (core.api.serializers.Text)
    pattern: re.Pattern | None = None
    choices: Mapping[str, object] | None = None


def _body_rules(cls: type) -> tuple[_Rule, ...] | None:
    """The rules of a serializer class's declared fields (None when a field is of a kind
    the plain pass does not know, or the class checks more than its fields), once."""
    if "_plain_rules" not in cls.__dict__:
        cls._plain_rules = _rules_of(cls)
    return cls.__dict__["_plain_rules"]


def _rules_of(cls: type) -> tuple[_Rule, ...] | None:
    # DRF's hooks: a `validate_<field>` method, or `validate` for the whole body.
    fields = cls._declared_fields
    if cls.validate is not serializers.Serializer.validate or any(
        hasattr(cls, f"validate_{name}") for name in fields
    ):
        return None
    rules = []
    for name, field in fields.items():
        if (
            field.read_only
            or field.source not in (None, name)
            or (field.default is not empty and callable(field.default))
        ):
            return None
        common = {
            "name": name,
            "required": field.required,
            "default": _MISSING if field.default is empty else field.default,
            "allow_null": field.allow_null,
        }
        kind = type(field)
        if kind is serializers.IntegerField:
            rules.append(_Rule(kind=_INTEGER, low=field.min_value, high=field.max_value, **common))
        elif kind is serializers.ChoiceField and not field.allow_blank:
            rules.append(_Rule(kind=_CHOICE, choices=field.choice_strings_to_values, **common))
        elif kind in (serializers.CharField, serializers.SlugField, Text):
            if getattr(field, "min_length", None) is not None:
                return None
            patterns = [
                re.compile(v.regex.pattern, v.regex.flags)  # the validator's, compiled now
                for v in field.validators
                if isinstance(v, RegexValidator) and not v.inverse_match
            ]
            if kind is serializers.SlugField and len(patterns) != 1:
                return None
            rules.append(
                _Rule(
                    kind=_TEXT,
                    max_length=field.max_length,
                    allow_blank=field.allow_blank,
                    trim=field.trim_whitespace,
                    unicode=kind is Text,
                    pattern=patterns[0] if kind is serializers.SlugField else None,
                    **common,
                )
            )
        else:
            return None
    return tuple(rules)


def _plain_values(rules: tuple[_Rule, ...] | None, data: dict) -> dict | None:
    """What DRF's fields make of `data` under `rules`, or None when `data` is not of the
    plain kind (DRF then checks it)."""
    if rules is None or len(data) > len(rules):
        return None
    values: dict[str, object] = {}
    used = 0
    for rule in rules:
        value = data.get(rule.name, _MISSING)
        if value is _MISSING:
            if rule.required:
                return None
            if rule.default is not _MISSING:
                values[rule.name] = rule.default
            continue
        used += 1
        if value is None:
            if not rule.allow_null:
                return None
        elif rule.kind == _INTEGER:
            # bool is an int to Python, not to DRF
            if type(value) is not int or not (
                (rule.low is None or value >= rule.low)
                and (rule.high is None or value <= rule.high)
            ):
                return None
        elif type(value) is not str:
            return None
        elif rule.kind == _CHOICE:
            if value not in rule.choices:
                return None
            value = rule.choices[value]
        else:
            text = value.strip() if rule.trim else value
            if not text:
                if not rule.allow_blank:
                    return None
                value = ""
            elif (
                (rule.max_length is not None and len(text) > rule.max_length)
                or "\x00" in text
                or (rule.pattern is not None and not rule.pattern.search(text))
                or (rule.unicode and not text.isascii() and not _encodes(text))
            ):
                return None
            else:
                value = text
        values[rule.name] = value
    return values if used == len(data) else None  # else a field it does not know


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Articles and sentences


class SentenceSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_id", read_only=True)

    class Meta:
        model = Sentence
        fields = ["id", "article", "position", "paragraph", "start", "end", "section", "text"]
        read_only_fields = fields


class SentenceSectionSerializer(WriteSerializer):
    section = serializers.ChoiceField(choices=Section.choices)
    through_end = serializers.BooleanField(
        default=False,
        help_text="Also every later sentence of the article (as when marking where the "
        "reader comments begin).",
    )


class ArticleSerializer(serializers.ModelSerializer):
    publisher = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    origin = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    sentence_count = serializers.IntegerField(source="n_sentences", read_only=True)
    # A plain string: the URL is often blank, and "" is not a URI.
    url = serializers.CharField(read_only=True, help_text="Where it was published, if known.")

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "publisher",
            "origin",
            "byline",
            "url",
            "published_on",
            "imported_at",
            "sentence_count",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    imported_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    is_republished = serializers.BooleanField(read_only=True)
    sentences = SentenceSerializer(many=True, read_only=True)
    notes = serializers.SerializerMethodField(
        help_text='What a reader should know about the provenance ("origin named but '
        'unknown: X": create the outlet with POST …/create-origin/).'
    )

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "publisher_signal",
            "origin_signal",
            "origin_unknown",
            "notes",
            "is_republished",
            "source_name",
            "imported_by",
            "content_hash",
            "text",
            "html",
            "sentences",
        ]
        read_only_fields = fields

    def get_notes(self, article: Article) -> list[str]:
        return self.notes_of(article)

    @staticmethod
    def notes_of(article: Article) -> list[str]:
        """What a reader should know about the article's provenance."""
        if article.origin_unknown:
            return [f"origin named but unknown: {article.origin_unknown}"]
        return []


class ArticleMetadataSerializer(WriteSerializer):
    title = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=model_max_length(Article, "title"),
        help_text="Taken from the headline when blank.",
    )
    publisher = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=200,
        help_text="Outlet that published it: name, slug, alias or domain. Detected from "
        "the text when blank.",
    )
    origin = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=200,
        help_text="Outlet that wrote it: name, slug, alias or domain. Detected from the "
        "text when blank.",
    )
    byline = Text(
        required=False, default="", allow_blank=True, max_length=model_max_length(Article, "byline")
    )
    url = serializers.URLField(
        required=False, default="", allow_blank=True, max_length=model_max_length(Article, "url")
    )
    published_on = serializers.DateField(required=False, default=None, allow_null=True)


class ArticleCreateSerializer(ArticleMetadataSerializer):
    text = Text(trim_whitespace=False, help_text="The article, exactly as it should be kept.")
    format = serializers.ChoiceField(choices=UPLOAD_FORMATS, default="text")
    comments_start = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=1000,
        help_text="The text where reader comments begin, if any.",
    )


class ArticleUploadSerializer(ArticleMetadataSerializer):
    file = serializers.FileField(help_text="A .txt, .md or .html file, UTF-8.")
    format = serializers.ChoiceField(
        choices=["auto", *UPLOAD_FORMATS],
        default="auto",
        help_text="auto: by the file name's extension (plain text without one).",
    )
    comments_start = Text(required=False, default="", allow_blank=True, max_length=1000)


class ArticleUpdateSerializer(WriteSerializer):
    title = Text(max_length=model_max_length(Article, "title"))
    publisher = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=200,
        help_text="Name, slug, alias or domain of an outlet; blank for none.",
    )
    origin = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=200,
        help_text="Name, slug, alias or domain of an outlet; blank for none.",
    )
    byline = Text(
        required=False, default="", allow_blank=True, max_length=model_max_length(Article, "byline")
    )
    url = serializers.URLField(
        required=False, default="", allow_blank=True, max_length=model_max_length(Article, "url")
    )
    published_on = serializers.DateField(required=False, default=None, allow_null=True)


# Claim tags


class TagSerializer(serializers.Serializer):
    # The fields declare the schema; to_representation (below) writes them out, as this
    # serializer answers every tag write and list.
    id = serializers.IntegerField(read_only=True)
    sentence = serializers.IntegerField(source="sentence_id", read_only=True)
    article = serializers.IntegerField(source="sentence.article_id", read_only=True)
    section = serializers.ChoiceField(
        source="sentence.section", choices=Section.choices, read_only=True
    )
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    start = serializers.IntegerField(read_only=True, help_text="Article offset.")
    end = serializers.IntegerField(read_only=True, help_text="Article offset.")
    is_span = serializers.BooleanField(
        read_only=True, help_text="False when the claim is the whole sentence."
    )
    text = serializers.SerializerMethodField()
    label = serializers.ChoiceField(choices=Label.choices, read_only=True)
    outlet = serializers.CharField(
        source="outlet.slug", read_only=True, help_text="Slug of the outlet it is attributed to."
    )
    cited_source = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_text(self, tag: ClaimTag) -> str:
        """The words of the claim (article offsets start..end)."""
        sentence = tag.sentence
        return sentence.text[tag.start - sentence.start : tag.end - sentence.start]

    def to_representation(self, tag: ClaimTag) -> dict[str, object]:
        """The fields above, read directly: every tag write answers with this, and DRF's
        field-by-field walk (bind, get_attribute, to_representation for each) cost a
        write more than its SQL. The declared fields stay the schema, and a test holds
        this to what DRF's walk makes of the same tags. A fast path (core/fast_paths.py)."""
        if not fast_path("tag_representation"):
            return super().to_representation(tag)
        sentence = tag.sentence
        created = _TIMESTAMP.to_representation(tag.created_at)
        # A tag never changed has one time for both (each costs ~6 us to write: the
        # current zone is looked up each time): a bulk request of 33 new tags saves ~0.2 ms.
        updated = (
            created
            if tag.updated_at == tag.created_at
            else _TIMESTAMP.to_representation(tag.updated_at)
        )
        return {
            "id": tag.pk,
            "sentence": tag.sentence_id,
            "article": sentence.article_id,
            "section": sentence.section,
            "reviewer": tag.reviewer.username,
            "start": tag.start,
            "end": tag.end,
            "is_span": tag.is_span,
            "text": self.get_text(tag),
            "label": tag.label,
            "outlet": tag.outlet.slug,
            "cited_source": tag.cited_source,
            "note": tag.note,
            "created_at": created,
            "updated_at": updated,
        }


# Formats a timestamp as every DateTimeField of the API does (the zone, then ISO 8601).
_TIMESTAMP = serializers.DateTimeField()


class TagValuesSerializer(PlainBody, FieldsOnce, WriteSerializer):
    label = serializers.ChoiceField(choices=Label.choices)
    outlet = serializers.SlugField(
        required=False,
        allow_null=True,
        default=None,
        max_length=model_max_length(Outlet, "slug"),
        help_text="Slug of the outlet the claim is attributed to; the article's origin "
        "when absent.",
    )
    cited_source = Text(
        required=False,
        default="",
        allow_blank=True,
        max_length=model_max_length(ClaimTag, "cited_source"),
        help_text="Who a sourced claim says it comes from.",
    )
    note = Text(required=False, default="", allow_blank=True, max_length=NOTE_MAX_CHARS)


class TagCreateSerializer(TagValuesSerializer):
    sentence = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The claim's sentence: any but a byline or a credit line, which are no claims.",
    )
    start = serializers.IntegerField(
        min_value=0,
        max_value=MAX_OFFSET,
        required=False,
        allow_null=True,
        default=None,
        help_text="Article offset where a span begins; the sentence's start when absent.",
    )
    end = serializers.IntegerField(
        min_value=0,
        max_value=MAX_OFFSET,
        required=False,
        allow_null=True,
        default=None,
        help_text="Article offset where a span ends; the sentence's end when absent.",
    )


class TagBulkSerializer(WriteSerializer):
    tags = TagCreateSerializer(many=True, allow_empty=False, max_length=MAX_BULK)


class TagBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    tags = TagSerializer(many=True, help_text="The tags, in the order of the request.")


# The user, their progress and their token


class ArticleProgressSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    sentences = serializers.IntegerField(
        help_text="Claims in the article: its sentences but bylines and credit lines "
        "(as the pages count progress)."
    )
    tagged_sentences = serializers.IntegerField(help_text="Claims I have tagged, whole or in part.")
    tags = serializers.IntegerField(help_text="My tags on the article.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=["reviewer", "editor", "admin"])
    )
    sees_all_tags = serializers.BooleanField(
        help_text="Teachers/editors and admins see everyone's tags; reviewers their own."
    )
    progress = ArticleProgressSerializer(many=True)


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
    created = serializers.DateTimeField(allow_null=True)
    expires = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working (null: never)."
    )


class NewTokenSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="Shown this once (only its hash is stored); send it as "
        "'Authorization: Token <key>'."
    )
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working (null: never)."
    )


# Errors, for the schema


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    tags = serializers.IntegerField(help_text="How many claim tags the article has.")


class BulkErrorSerializer(serializers.Serializer):
    """What a refused bulk request gets: `detail` and `errors` when single tags were
    refused; `{"<field>": [messages]}` when the request as a whole was (no "tags" list,
    too many items, malformed JSON)."""

    detail = serializers.CharField(required=False)
    errors = serializers.ListField(
        required=False,
        child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        help_text="One object per submitted tag, in order: {} when that tag was fine, "
        "else field -> messages.",
    )
