"""The query parameters of /api/outlets/ (see `core.api.filters` for the rules)."""

from __future__ import annotations

import django_filters as filters

from sources.models import Outlet, OutletKind


class OutletFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OutletKind.choices, label="Kind of outlet.")
    search = filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Text in the outlet's name."
    )

    class Meta:
        model = Outlet
        fields: list[str] = []
