"""The query parameters of the outlet figures, read the same way by the pages and the API:
which claims count (`FiguresFilterForm`, into `framing.selectors.figures.Filters`) and
which outlets a comparison shows (`parse_outlets`). Bad values raise ValidationError keyed
by the parameter at fault, for a 400 that names it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from classroom.selectors.blindness import TagScope
from core.text.sections import Section
from framing.selectors.figures import Filters
from sources.models import Outlet

OPTIONAL_SECTIONS = {Section.BOILERPLATE: "boilerplate", Section.COMMENT: "reader comments"}
NUL = "contains a NUL character"
MAX_QUERY = 200


class _Text(forms.CharField):
    default_error_messages = {"null_characters_not_allowed": NUL}

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)


class _Values(forms.Field):
    """A repeatable parameter whose values may also be comma-separated: a set of words."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> set[str]:
        values = [value] if isinstance(value, str) else list(value or [])
        if any("\x00" in v for v in values):
            raise ValidationError(NUL)
        return {part.strip() for v in values for part in v.split(",")} - {""}


class FiguresFilterForm(forms.Form):
    """`from`, `to` (YYYY-MM-DD), `q` (words in the article text), `group` (the name of a
    reviewer group the viewer may see: `scope.groups()`) and `include` (boilerplate,
    comment; repeatable or comma-separated). A group the viewer may not see is refused
    exactly as an unknown one."""

    q = _Text(
        max_length=MAX_QUERY, error_messages={"max_length": f"at most {MAX_QUERY} characters"}
    )
    group = _Text()
    include = _Values(required=False)

    def __init__(self, data: Mapping, *, scope: TagScope) -> None:
        super().__init__(data)
        self.scope = scope

    def _date(self, name: str) -> dt.date | None:
        raw = self.cleaned_data.get(name) or ""
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(f"{raw!r} is not a date; use YYYY-MM-DD") from None

    def clean_from(self) -> dt.date | None:
        return self._date("from")

    def clean_to(self) -> dt.date | None:
        return self._date("to")

    def clean_group(self):
        name = self.cleaned_data["group"]
        if not name:
            return None
        group = self.scope.groups().filter(name=name).first()
        if group is None:
            known = ", ".join(self.scope.groups().values_list("name", flat=True)) or "none"
            raise ValidationError(f"unknown group {name!r} (your groups: {known})")
        return group

    def clean_include(self) -> tuple[str, ...]:
        include = self.cleaned_data["include"]
        unknown = include - set(OPTIONAL_SECTIONS)
        if unknown:
            raise ValidationError(
                f"unknown section {sorted(unknown)[0]!r}; use boilerplate or comment"
            )
        return tuple(sorted(include))

    def clean(self) -> dict:
        data = super().clean()
        date_from, date_to = data.get("from"), data.get("to")
        if date_from and date_to and date_from > date_to:
            self.add_error("to", "the end of the date range is before its start")
        return data

    def filters(self) -> Filters:
        """The valid form's filters (call `is_valid()` first)."""
        data = self.cleaned_data
        return Filters(
            date_from=data["from"],
            date_to=data["to"],
            q=data["q"],
            group=data["group"],
            sections=(Section.BODY, *data["include"]),
        )


# `from` and `to` are Python keywords: declared here rather than in the class body.
FiguresFilterForm.base_fields = {
    "from": _Text(),
    "to": _Text(),
    **FiguresFilterForm.base_fields,
}


def parse_filters(params: Mapping, *, scope: TagScope) -> Filters:
    """The filters in `params` (query parameters), or ValidationError naming each
    parameter at fault."""
    form = FiguresFilterForm(params, scope=scope)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.filters()


def parse_outlets(raw: list[str]) -> list[Outlet]:
    """Outlets named by slug, in the order given, from `outlets=a,b` or `outlets=a&outlets=b`.
    Raises Http404 for an unknown slug and ValidationError for fewer than two."""
    if any("\x00" in value for value in raw):
        raise ValidationError({"outlets": NUL})
    slugs = list(dict.fromkeys(s.strip() for value in raw for s in value.split(",") if s.strip()))
    by_slug = {o.slug: o for o in Outlet.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        raise Http404(f"unknown outlet {unknown[0]!r}")
    if len(slugs) < 2:
        raise ValidationError({"outlets": "choose at least two outlets to compare"})
    return [by_slug[s] for s in slugs]
