"""Assignments: setting one, choosing its sentences, the teacher's and the student's
pages, handing in, feedback, the key and the gradebook."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from annotator.models import Sentence
from classroom.forms import AssignmentForm
from classroom.permissions import (
    can_manage,
    managed_assignment,
    managed_class,
    require_results,
    sees_results,
    visible_assignment,
)
from classroom.presenters.gradebook import gradebook_response
from classroom.presenters.time_zones import class_time
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.services import classes as services
from core.ids import parse_id
from core.text.sections import UNTAGGABLE_SECTIONS
from sources.models import Outlet


def _assignment_form_page(request, classroom, form, assignment=None) -> HttpResponse:
    with class_time(classroom):
        return _render_form(request, classroom, form, assignment)


def _render_form(request, classroom, form, assignment) -> HttpResponse:
    return render(
        request,
        "classroom/assignment_form.html",
        {"classroom": classroom, "form": form, "assignment": assignment},
        status=400 if form.is_bound else 200,
    )


def _save_assignment(request, form, save, **target) -> HttpResponse | None:
    try:
        return save(by=request.user, **target, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = managed_class(request.user, pk)
    form = AssignmentForm(request.POST or None)
    # The due date is typed in the class's time zone.
    with class_time(classroom):
        valid = request.method == "POST" and form.is_valid()
    if valid:
        assignment = _save_assignment(
            request, form, services.create_assignment, classroom=classroom
        )
        if assignment is not None:
            messages.success(request, f"Assignment “{assignment.title}” set.")
            return redirect("assignment-detail", assignment.pk)
    return _assignment_form_page(request, classroom, form)


def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = managed_assignment(request.user, pk)
    initial = {
        "title": assignment.title,
        "instructions": assignment.instructions,
        "due_at": assignment.due_at,
        "articles": assignment.articles.all(),
        "include_boilerplate": assignment.include_boilerplate,
        "include_comments": assignment.include_comments,
        "hints": assignment.hints,
    }
    form = AssignmentForm(request.POST or None, initial=initial)
    with class_time(assignment.classroom):
        valid = request.method == "POST" and form.is_valid()
    if valid and _save_assignment(request, form, services.update_assignment, assignment=assignment):
        messages.success(request, "Assignment saved.")
        return redirect("assignment-detail", assignment.pk)
    return _assignment_form_page(request, assignment.classroom, form, assignment)


def assignment_sentences(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = managed_assignment(request.user, pk)
    sentences = (
        Sentence.objects.filter(article__in=assignment.articles.all())
        .exclude(section__in=UNTAGGABLE_SECTIONS)
        .select_related("article")
        .defer("article__text", "article__html")
        .order_by("article_id", "position")
    )
    if request.method == "POST":
        raw = request.POST.getlist("sentence")
        wanted = {parse_id(v) for v in raw}
        if None in wanted:
            return HttpResponse(
                "sentence: each value must be a sentence id (a whole number).",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        services.choose_sentences(
            assignment=assignment,
            by=request.user,
            sentences=[s for s in sentences if s.pk in wanted],
        )
        messages.success(
            request,
            f"{len(wanted)} sentences chosen." if wanted else "Every sentence is assigned.",
        )
        return redirect("assignment-detail", assignment.pk)
    chosen = set(assignment.sentences.values_list("pk", flat=True))
    return render(
        request,
        "classroom/assignment_sentences.html",
        {"assignment": assignment, "sentences": sentences, "chosen": chosen},
    )


def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request.user, pk)
    if not can_manage(request.user, assignment.classroom):
        return _student_assignment_page(request, assignment)
    data = selectors.assignment_data(assignment)
    articles = list(assignment.articles.all())
    scores = {s.pk: results.score(data, s.pk) for s in data.students}
    with class_time(assignment.classroom):
        return render(
            request,
            "classroom/assignment_detail.html",
            {
                "assignment": assignment,
                "data": data,
                "progress": [(p, scores[p.student.pk]) for p in results.class_progress(data)],
                "article_totals": results.article_totals(data),
                "figures": results.figures([data]),
                "per_article": [(a, results.figures([data], article=a)) for a in articles],
                "keyed": len(data.key),
                "promoted": sum(1 for k in data.key.values() if k.basis != "teacher"),
                "chosen": assignment.sentences.exists(),
            },
        )


def _student_assignment_page(request: HttpRequest, assignment) -> HttpResponse:
    data = selectors.assignment_data(assignment)
    with class_time(assignment.classroom):
        return render(
            request,
            "classroom/assignment_student.html",
            {
                "assignment": assignment,
                "progress": results.progress(data, request.user.pk),
                "sees_results": sees_results(request.user, assignment),
                "chosen_units": [
                    (s, s.pk in data.answers.get(request.user.pk, {})) for s in data.units
                ]
                if assignment.sentences.exists()
                else [],
            },
        )


@require_POST
def assignment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request.user, pk)
    try:
        services.submit(assignment=assignment, student=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assignment-detail", assignment.pk)
    messages.success(request, "Handed in. Here is how your answers compare with the key.")
    return redirect("assignment-feedback", assignment.pk)


def feedback(request: HttpRequest, pk: int, student_pk: int | None = None) -> HttpResponse:
    """A student's own feedback (once handed in or past due), or, for the teacher, any
    of the class's students'."""
    assignment = visible_assignment(request.user, pk)
    managing = can_manage(request.user, assignment.classroom)
    if student_pk is None:
        student_pk = request.user.pk
    elif not managing and student_pk != request.user.pk:
        raise PermissionDenied("You see your own feedback only.")
    require_results(request.user, assignment)
    data = selectors.assignment_data(assignment)
    student = next((s for s in data.students if s.pk == student_pk), None)
    if student is None:
        raise Http404("Not a student of this class.")
    outlets = dict(Outlet.objects.values_list("pk", "name"))
    with class_time(assignment.classroom):
        return render(
            request,
            "classroom/feedback.html",
            {
                "assignment": assignment,
                "student": student,
                "managing": managing,
                "name": student.get_username() if managing else "you",
                "result": results.feedback(data, student.pk),
                "progress": results.progress(data, student.pk),
                "outlets": outlets,
                "class_figures": results.figures([data], frozen_only=not managing, hardest=5),
            },
        )


def gradebook(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = managed_assignment(request.user, pk)
    data = selectors.assignment_data(assignment)
    return gradebook_response(
        [data],
        filename=f"gradebook-assignment-{assignment.pk}.csv",
        time_zone=assignment.classroom.time_zone,
    )


@require_POST
def key_promote(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = managed_assignment(request.user, pk)
    done = services.promote_consensus(assignment=assignment, by=request.user)
    messages.success(
        request,
        f"Key updated: {done.adjudicated} adjudicated and {done.majority} majority labels "
        f"promoted; {done.disputed} disputed sentences keep their key.",
    )
    return redirect("assignment-detail", assignment.pk)


@require_POST
def key_clear(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = managed_assignment(request.user, pk)
    n = services.clear_promoted_key(assignment=assignment, by=request.user)
    messages.success(request, f"{n} promoted labels dropped: your own tags are the key again.")
    return redirect("assignment-detail", assignment.pk)
