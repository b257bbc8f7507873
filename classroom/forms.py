"""Forms of the class pages: checked here, then handed to a service."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import ValidationError

from annotator.models import Article, Label
from annotator.services.tagging import NOTE_MAX_CHARS
from classroom.services.classes import CODE_MAX_DAYS
from core.auth.forms import MISMATCH, PlainErrors
from core.auth.usernames import validate_new_username
from core.ids import IdField, IdMultipleChoiceField
from sources.models import Outlet


class FeedbackQuery(forms.Form):
    """The query of /api/classes/assignments/<id>/feedback/: whose feedback (a teacher
    names a student; left out, one's own)."""

    student = IdField(
        required=False, error_messages={"invalid": "must be a student's id (a whole number)."}
    )


class ClassForm(forms.Form):
    name = forms.CharField(max_length=200, label="Class name")
    # Filled from the browser (static/classroom/time_zone.js); empty without JavaScript.
    time_zone = forms.CharField(max_length=64, required=False)


class TimeZoneForm(forms.Form):
    time_zone = forms.CharField(max_length=64, label="Time zone")


class JoinCodeForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=CODE_MAX_DAYS, initial=14, label="Valid for (days)"
    )


class JoinForm(PlainErrors, forms.Form):
    """Joining with a code while logged in."""

    code = forms.CharField(max_length=20, label="Join code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_words()


class SignUpForm(PlainErrors, BaseUserCreationForm):
    """Signing up with a code: a new reviewer account in that class."""

    code = forms.CharField(max_length=20, label="Join code")
    error_messages = {**BaseUserCreationForm.error_messages, "password_mismatch": MISMATCH}

    class Meta:
        model = get_user_model()
        fields = ["code", "username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_words()
        self.fields["password2"].label = "Password again"
        self.fields["password2"].help_text = "The same password, to be sure of it."

    def clean_username(self) -> str:
        # A name taken exactly gets the same words as a look-alike of one, never
        # "already exists": see core.auth.usernames.UNAVAILABLE.
        try:
            return validate_new_username(self.cleaned_data["username"])
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["username"]) from None


class RosterForm(forms.Form):
    roster = forms.FileField(
        label="Roster (CSV)", help_text="A header row with the columns name and email."
    )


class AddStudentForm(forms.Form):
    name = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail")


class AssignmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    due_at = forms.DateTimeField(
        label="Due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    articles = IdMultipleChoiceField(
        queryset=Article.objects.defer("text", "html").order_by("title"),
        widget=forms.CheckboxSelectMultiple,
    )
    include_boilerplate = forms.BooleanField(
        required=False, label="Include boilerplate (appeals, disclaimers, footers)"
    )
    include_comments = forms.BooleanField(required=False, label="Include reader comments")
    hints = forms.BooleanField(
        required=False, label="Hints: show label suggestions before students hand in"
    )


class AdjudicationForm(forms.Form):
    """A final label for a sentence: picked from the reviewers' answers or set here."""

    label = forms.ChoiceField(choices=Label.choices)
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.order_by("name"), required=False)
    cited_source = forms.CharField(max_length=300, required=False)
    note = forms.CharField(max_length=NOTE_MAX_CHARS, required=False, widget=forms.Textarea)
    use_as_key = forms.BooleanField(required=False, label="Also make it the key")

    def clean(self):
        data = super().clean()
        if data.get("label") != Label.SOURCED:
            data["cited_source"] = ""
        return data
