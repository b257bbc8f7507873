"""What /api/outlets/ reads and writes, field by field."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import Text, WriteSerializer, model_max_length
from sources.models import Outlet, OutletKind

MAX_NAMES = 100  # aliases or domains of one outlet


class OutletSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")

    class Meta:
        model = Outlet
        fields = ["slug", "name", "kind", "description", "aliases", "domains", "created_at"]
        read_only_fields = fields


class OutletWriteSerializer(WriteSerializer):
    name = Text(max_length=model_max_length(Outlet, "name"))
    slug = serializers.SlugField(
        max_length=model_max_length(Outlet, "slug"),
        required=False,
        default="",
        allow_blank=True,
        help_text="Made from the name when blank.",
    )
    kind = serializers.ChoiceField(choices=OutletKind.choices, default=OutletKind.NEWS)
    description = Text(required=False, default="", allow_blank=True, max_length=5000)
    aliases = serializers.ListField(
        child=Text(max_length=200),
        required=False,
        default=list,
        max_length=MAX_NAMES,
        help_text="Other names the outlet goes by; exactly these are kept.",
    )
    domains = serializers.ListField(
        child=Text(max_length=253),
        required=False,
        default=list,
        max_length=MAX_NAMES,
        help_text='Home domains ("southfront.org"); exactly these are kept.',
    )
