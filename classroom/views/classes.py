"""Classes: the list, one class's page, its join codes and its roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from classroom.forms import (
    AddStudentForm,
    ClassForm,
    JoinCodeForm,
    JoinForm,
    RosterForm,
    TimeZoneForm,
)
from classroom.models import JoinCode, Membership
from classroom.permissions import can_manage, managed_class, visible_class
from classroom.presenters.gradebook import gradebook_response
from classroom.presenters.time_zones import class_time, known_time_zones, zone
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.services import classes as services
from classroom.services.roster import RosterError, RosterRow, add_students, parse_roster
from core.auth.roles import is_editor


def class_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    classes = list(selectors.classes_for(user))
    return render(
        request,
        "classroom/class_list.html",
        {
            "teaching": [c for c in classes if can_manage(user, c)],
            "attending": [c for c in classes if not can_manage(user, c)],
            "can_create": is_editor(user),
            "class_form": ClassForm(),
            "join_form": JoinForm(),
            "my_assignments": selectors.assignments_of(user),
        },
    )


@require_POST
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassForm(request.POST)
    if form.is_valid():
        try:
            classroom = services.create_class(
                teacher=request.user,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, f"Class “{classroom.name}” created. Give it a join code.")
            return redirect("class-detail", classroom.pk)
    else:
        messages.error(request, "A class needs a name (at most 200 characters).")
    return redirect("class-list")


def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = visible_class(request.user, pk)
    if not can_manage(request.user, classroom):
        return _student_class_page(request, classroom)
    assignments = list(selectors.assignments_for(classroom))
    datas = [selectors.assignment_data(a) for a in assignments]
    scores = results.class_scores(datas)
    with class_time(classroom):
        return render(
            request,
            "classroom/class_detail.html",
            {
                "classroom": classroom,
                "memberships": [
                    (m, scores.get(m.student_id, results.Score(0, 0)))
                    for m in classroom.memberships.select_related("student").order_by(
                        "joined_at", "id"
                    )
                ],
                "time_zones": sorted(known_time_zones()),
                "codes": classroom.join_codes.all(),
                "code_form": JoinCodeForm(),
                "add_form": AddStudentForm(),
                "roster_form": RosterForm(),
                "assignments": [
                    (data, len(data.submissions), len(data.students)) for data in datas
                ],
                "figures": results.figures(datas) if datas else None,
            },
        )


def _student_class_page(request: HttpRequest, classroom) -> HttpResponse:
    assignments = [
        (a, selectors.student_status(a, request.user)) for a in selectors.assignments_for(classroom)
    ]
    with class_time(classroom):
        return render(
            request,
            "classroom/class_student.html",
            {"classroom": classroom, "assignments": assignments},
        )


@require_POST
def time_zone_set(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    form = TimeZoneForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"time_zone": "choose a time zone"})
        services.set_time_zone(
            classroom=classroom, by=request.user, time_zone=form.cleaned_data["time_zone"]
        )
    except ValidationError as exc:
        return HttpResponse(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    messages.success(request, f"Times in this class are now shown in {classroom.time_zone}.")
    return redirect("class-detail", classroom.pk)


def class_gradebook(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    datas = [selectors.assignment_data(a) for a in selectors.assignments_for(classroom)]
    return gradebook_response(
        datas, filename=f"gradebook-class-{classroom.pk}.csv", time_zone=classroom.time_zone
    )


@require_POST
def code_create(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    form = JoinCodeForm(request.POST)
    if form.is_valid():
        code = services.create_join_code(
            classroom=classroom, by=request.user, days=form.cleaned_data["days"]
        )
        messages.success(
            request,
            f"New join code {code.display}, valid until "
            f"{timezone.localtime(code.expires_at, zone(classroom.time_zone)):%Y-%m-%d %H:%M} "
            f"({classroom.time_zone}).",
        )
    else:
        messages.error(request, "A code is valid for 1 to 90 days.")
    return redirect("class-detail", classroom.pk)


@require_POST
def code_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    join_code = get_object_or_404(JoinCode.objects.select_related("classroom"), pk=pk)
    managed_class(request.user, join_code.classroom_id)
    services.revoke_join_code(join_code=join_code, by=request.user)
    messages.success(request, f"Join code {join_code.display} revoked: it no longer works.")
    return redirect("class-detail", join_code.classroom_id)


def roster_upload(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    form = RosterForm(request.POST or None, request.FILES or None)
    context = {"classroom": classroom, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            rows = parse_roster(form.cleaned_data["roster"].read())
            context["result"] = add_students(classroom=classroom, by=request.user, rows=rows)
        except RosterError as exc:
            context["errors"] = exc.errors
            return render(request, "classroom/roster.html", context, status=400)
    return render(request, "classroom/roster.html", context)


@require_POST
def student_add(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    form = AddStudentForm(request.POST)
    context = {"classroom": classroom, "form": RosterForm()}
    if not form.is_valid():
        context["errors"] = [
            (0, f"{field}: {' '.join(errs)}") for field, errs in form.errors.items()
        ]
        return render(request, "classroom/roster.html", context, status=400)
    row = RosterRow(line=1, name=form.cleaned_data["name"], email=form.cleaned_data["email"])
    try:
        context["result"] = add_students(classroom=classroom, by=request.user, rows=[row])
    except RosterError as exc:
        context["errors"] = exc.errors
        return render(request, "classroom/roster.html", context, status=400)
    return render(request, "classroom/roster.html", context)


@require_POST
def student_remove(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    membership = get_object_or_404(Membership, classroom=classroom, student_id=student_pk)
    student = get_user_model().objects.get(pk=membership.student_id)
    services.remove_student(classroom=classroom, student=student, by=request.user)
    messages.success(request, f"{student.get_username()} is no longer in this class.")
    return redirect("class-detail", classroom.pk)
