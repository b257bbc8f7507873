"""Disagreements per article, side by side, and adjudication: a teacher or editor sets
the final label of a sentence (and, if they tick "Also make it the key", the
assignment's key). On an assignment each sentence has a short comment thread."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotator.models import Adjudication, Article, Sentence
from annotator.services.adjudication import adjudicate, withdraw_adjudication
from classroom.forms import AdjudicationForm
from classroom.models import AnswerKeyEntry, Assignment
from classroom.permissions import (
    can_manage,
    managed_assignment,
    require_results,
    sees_results,
    visible_assignment,
)
from classroom.presenters.time_zones import class_time
from classroom.selectors import assignments as selectors
from classroom.selectors.results import LABELS, disagreement_rows
from classroom.services import classes as services
from core.auth.roles import is_editor
from core.ids import parse_id
from core.text.sections import UNTAGGABLE_SECTIONS
from sources.models import Outlet


def _outlets() -> dict[int, str]:
    return dict(Outlet.objects.values_list("pk", "name"))


def _assignment_rows(request: HttpRequest, assignment: Assignment, sentences: list[Sentence]):
    """Rows for the assignment's view: real names for the teacher; for a student, the
    classmates whose answers are final, under pseudonyms, and "You"."""
    data = selectors.assignment_data(assignment)
    answers = data.answers
    wanted = {s.pk for s in sentences}
    sentences = [s for s in data.units if s.pk in wanted]
    if can_manage(request.user, assignment.classroom):
        coders = [(s.pk, s.get_username()) for s in data.students]
        names = dict(coders)
    else:
        coders = [
            (s.pk, "You" if s.pk == request.user.pk else data.pseudonyms[s.pk])
            for s in data.students
            if data.is_frozen(s.pk)
        ]
        # In a thread, a classmate is their pseudonym whether or not they handed in.
        names = {**data.pseudonyms, request.user.pk: "You"}
        # A classmate's note is theirs: a student sees the labels, outlets and cited
        # sources of the others, and only their own notes.
        answers = {
            coder: {
                pk: a if coder == request.user.pk else replace(a, note="")
                for pk, a in given.items()
            }
            for coder, given in answers.items()
        }
    teacher = assignment.classroom.teacher
    names.setdefault(teacher.pk, f"{teacher.get_username()} (teacher)")
    threads = selectors.comments(assignment, [s.pk for s in sentences], names=names)
    return coders, disagreement_rows(
        sentences,
        coders=coders,
        answers=answers,
        key=data.key,
        adjudications=data.adjudications,
        outlets=_outlets(),
        you=request.user.pk,
        comments=threads,
    )


def _editor_rows(sentences: list[Sentence]):
    """Rows of every reviewer's live tags: the editors' view outside any class."""
    reviewers, answers = selectors.reviewer_answers(sentences)
    coders = [(r.pk, r.get_username()) for r in reviewers]
    return coders, disagreement_rows(
        sentences,
        coders=coders,
        answers=answers,
        key={},
        adjudications=selectors.adjudications(sentences),
        outlets=_outlets(),
    )


def _permissions(request: HttpRequest, assignment: Assignment | None) -> dict[str, object]:
    return {
        "can_adjudicate": is_editor(request.user)
        and (assignment is None or can_manage(request.user, assignment.classroom)),
        "can_comment": assignment is not None and sees_results(request.user, assignment),
        "comment_max": services.COMMENT_MAX_CHARS,
        "labels": LABELS,
        "outlets": Outlet.objects.order_by("name"),
    }


def _page(request, *, article, coders, rows, assignment=None) -> HttpResponse:
    return render(
        request,
        "classroom/disagreements.html",
        {
            "article": article,
            "assignment": assignment,
            "coders": coders,
            "rows": rows,
            "disputed": sum(1 for r in rows if r.disputed),
            **_permissions(request, assignment),
        },
    )


def assignment_disagreements(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    assignment = visible_assignment(request.user, pk)
    require_results(request.user, assignment)
    article = get_object_or_404(assignment.articles.defer("text", "html"), pk=article_pk)
    sentences = [s for s in selectors.units(assignment) if s.article_id == article.pk]
    coders, rows = _assignment_rows(request, assignment, sentences)
    with class_time(assignment.classroom):
        return _page(request, article=article, coders=coders, rows=rows, assignment=assignment)


def article_disagreements(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers, editors and admins see everyone's tags.")
    article = get_object_or_404(Article.objects.defer("text", "html"), pk=pk)
    sentences = list(
        Sentence.objects.filter(article=article)
        .exclude(section__in=UNTAGGABLE_SECTIONS)
        .select_related("article", "article__origin")
        .defer("article__text", "article__html")
        .order_by("position")
    )
    coders, rows = _editor_rows(sentences)
    return _page(request, article=article, coders=coders, rows=rows)


def _back(request: HttpRequest, sentence: Sentence, assignment: Assignment | None) -> HttpResponse:
    """The changed row alone for htmx; otherwise back to the page, at that row."""
    if request.htmx:
        if assignment is not None:
            coders, rows = _assignment_rows(request, assignment, [sentence])
        else:
            coders, rows = _editor_rows([sentence])
        if not rows:
            raise Http404("The sentence is not part of this assignment.")
        return _row(request, rows[0], coders, assignment)
    if assignment is not None:
        url = reverse("assignment-disagreements", args=[assignment.pk, sentence.article_id])
    else:
        url = reverse("article-disagreements", args=[sentence.article_id])
    return redirect(f"{url}#s{sentence.pk}")


def _row(request, row, coders, assignment) -> HttpResponse:
    if assignment is not None:
        with class_time(assignment.classroom):
            return _render_row(request, row, coders, assignment)
    return _render_row(request, row, coders, assignment)


def _render_row(request, row, coders, assignment) -> HttpResponse:
    return render(
        request,
        "classroom/_disagreement_row.html",
        {
            "row": row,
            "coders": coders,
            "assignment": assignment,
            **_permissions(request, assignment),
        },
    )


def _assignment_of(request: HttpRequest) -> Assignment | None:
    raw = request.POST.get("assignment", "")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise BadRequest("assignment: not an assignment id (a whole number).")
    return managed_assignment(request.user, pk)


def _adopted(post: QueryDict) -> QueryDict:
    """The form data, with an adopted answer (the `answer` button's value, "label|outlet
    id|cited source") spread over the label, outlet and cited source fields."""
    if "answer" not in post:
        return post
    data = post.copy()
    label, _, rest = post["answer"].partition("|")
    outlet, _, cited_source = rest.partition("|")
    data["label"], data["outlet"], data["cited_source"] = label, outlet, cited_source
    return data


@require_POST
def adjudicate_sentence(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers, editors and admins can adjudicate claims.")
    sentence = get_object_or_404(Sentence.objects.select_related("article"), pk=pk)
    assignment = _assignment_of(request)
    form = AdjudicationForm(_adopted(request.POST))
    if not form.is_valid():
        return HttpResponse(
            "Choose one of the four labels.", status=400, content_type="text/plain; charset=utf-8"
        )
    data = form.cleaned_data
    try:
        with transaction.atomic():
            adjudication = adjudicate(
                sentence=sentence,
                label=data["label"],
                outlet=data["outlet"],
                cited_source=data["cited_source"],
                note=data["note"],
                by=request.user,
            )
            if data["use_as_key"] and assignment is not None:
                services.put_in_key(
                    assignment=assignment,
                    sentence=sentence,
                    by=request.user,
                    label=adjudication.label,
                    outlet_id=adjudication.outlet_id,
                    cited_source=adjudication.cited_source,
                    note=adjudication.note,
                    basis=AnswerKeyEntry.Basis.ADJUDICATED,
                )
    except ValidationError as exc:
        return HttpResponse(
            "; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    if not request.htmx:
        messages.success(request, f"Adjudicated: {adjudication.get_label_display()}.")
    return _back(request, sentence, assignment)


@require_POST
def adjudication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    adjudication = get_object_or_404(Adjudication.objects.select_related("sentence"), pk=pk)
    assignment = _assignment_of(request)
    withdraw_adjudication(adjudication=adjudication, by=request.user)
    if not request.htmx:
        messages.success(request, "Adjudication withdrawn: the majority counts again.")
    return _back(request, adjudication.sentence, assignment)


@require_POST
def comment_add(request: HttpRequest, pk: int, sentence_pk: int) -> HttpResponse:
    """Add to a sentence's comment thread on an assignment (the teacher; a student once
    handed in); answers with the row (htmx) or back at the row."""
    assignment = visible_assignment(request.user, pk)
    sentence = get_object_or_404(Sentence.objects.select_related("article"), pk=sentence_pk)
    try:
        services.add_comment(
            assignment=assignment,
            sentence=sentence,
            author=request.user,
            body=request.POST.get("body", ""),
        )
    except ValidationError as exc:
        return HttpResponse(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if not request.htmx:
        messages.success(request, "Comment added.")
    return _back(request, sentence, assignment)
