"""The export filters, read and checked the same way for the command line, the download
page and the API: all three fill `ExportForm` from query-string-like data."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, Group
from django.http import QueryDict

from annotator.export.selection import OUTLET_ROLES, Selection
from annotator.export.streaming import FORMATS
from annotator.models import Label
from core.ids import parse_id
from core.text.sections import Section
from sources.services.outlets import UnknownOutlet, resolve_outlet

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _flag(value: str | None, name: str) -> bool | None:
    """A yes/no parameter; None when it is not given."""
    if value is None or value.strip() == "":
        return None
    value = value.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise forms.ValidationError(f"{name} must be 1 or 0 (true/false), not {value!r}")


def query(values: Mapping[str, object]) -> QueryDict:
    """A QueryDict from plain values (lists become repeated parameters; None is left out)."""
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, list | tuple):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = "1" if value is True else str(value)
    return data


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[(name, f.title) for name, f in FORMATS.items()])
    aggregate = forms.CharField(required=False)
    outlet = forms.CharField(required=False, help_text="Outlet name, slug, alias or domain.")
    outlet_role = forms.ChoiceField(
        required=False,
        choices=[
            ("any", "publisher or origin"),
            ("publisher", "publisher"),
            ("origin", "origin"),
            ("attributed", "claims attributed to it"),
        ],
    )
    articles = forms.CharField(required=False, help_text="Article ids, comma-separated.")
    reviewer_group = forms.CharField(required=False)
    label = forms.ChoiceField(required=False, choices=[("", "every label"), *Label.choices])
    sections = forms.MultipleChoiceField(required=False, choices=Section.choices)
    date_from = forms.DateField(required=False, help_text="Published on or after (YYYY-MM-DD).")
    date_to = forms.DateField(required=False, help_text="Published on or before (YYYY-MM-DD).")
    pseudonymize = forms.CharField(required=False)
    bom = forms.CharField(required=False)
    suggestions = forms.CharField(required=False)
    classroom = forms.CharField(required=False, help_text="A class's id.")

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        user: AbstractBaseUser | None = None,
        **kwargs: object,
    ) -> None:
        # `user`: whose classes the `classroom` filter may name (their own; an admin's
        # or the command line's, any).
        self.user = user
        if data is not None:
            # Sections and article ids may come repeated or comma-separated.
            data = data.copy()
            for key in ("sections", "articles"):
                items = [i.strip() for v in data.getlist(key) for i in v.split(",") if i.strip()]
                data.setlist(key, items)
        super().__init__(data, **kwargs)

    def clean_aggregate(self) -> bool:
        return bool(_flag(self.cleaned_data["aggregate"], "aggregate"))

    def clean_bom(self) -> bool:
        return bool(_flag(self.cleaned_data["bom"], "bom"))

    def clean_suggestions(self) -> bool:
        return bool(_flag(self.cleaned_data["suggestions"], "suggestions"))

    def clean_pseudonymize(self) -> bool | None:
        return _flag(self.cleaned_data["pseudonymize"], "pseudonymize")

    def clean_outlet(self) -> int | None:
        value = self.cleaned_data["outlet"].strip()
        if not value:
            return None
        try:
            return resolve_outlet(value).pk
        except UnknownOutlet as exc:
            raise forms.ValidationError(exc.messages[0]) from None

    def clean_outlet_role(self) -> str:
        return self.cleaned_data["outlet_role"] or OUTLET_ROLES[0]

    def clean_articles(self) -> tuple[int, ...]:
        ids = self.data.getlist("articles") if self.data else []
        parsed = tuple(parse_id(i) for i in ids)
        if None in parsed:
            raise forms.ValidationError("article ids must be whole numbers from 1 to 2⁶³−1")
        return parsed

    def clean_classroom(self) -> int | None:
        raw = self.cleaned_data["classroom"].strip()
        if not raw:
            return None
        pk = parse_id(raw)
        if pk is None:
            raise forms.ValidationError(f"not a class id (a whole number): {raw[:40]!r}")
        classes = apps.get_model("classroom", "Classroom").objects.filter(pk=pk)
        if self.user is not None and not self.user.is_superuser:
            classes = classes.filter(teacher=self.user)
        if not classes.exists():
            raise forms.ValidationError(f"no class {pk} among the classes you teach")
        return pk

    def clean_reviewer_group(self) -> str:
        name = self.cleaned_data["reviewer_group"].strip()
        if name and not Group.objects.filter(name=name).exists():
            known = ", ".join(Group.objects.order_by("name").values_list("name", flat=True))
            raise forms.ValidationError(f"unknown group {name!r} (groups: {known or 'none'})")
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("date_from is after date_to")
        return cleaned

    def selection(self, *, pseudonymize_by_default: bool) -> Selection:
        """The checked filters as a Selection (call after is_valid())."""
        c = self.cleaned_data
        pseudonymize = c["pseudonymize"]
        return Selection(
            outlet_id=c["outlet"],
            outlet_role=c["outlet_role"],
            article_ids=c["articles"],
            reviewer_group=c["reviewer_group"],
            label=c["label"],
            sections=tuple(c["sections"]),
            date_from=c["date_from"],
            date_to=c["date_to"],
            pseudonymize=pseudonymize_by_default if pseudonymize is None else pseudonymize,
            aggregate=c["aggregate"],
            suggestions=c.get("suggestions", False),
            classroom_id=c.get("classroom"),
        )

    def error_text(self) -> str:
        """The errors on one line: "field: message; …"."""
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in self.errors.items()
        )
