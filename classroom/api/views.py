"""/api/classes/…: classes, assignments, answers, the key and feedback, as JSON.

The same access helpers and blindness rule as the pages (`classroom.permissions`): a student
reads their own answers any time, and the key, the feedback, the agreement figures and
the classmates' answers (under pseudonyms) only once they have handed the assignment in
or it is past due. A teacher sees only their own classes (another's is a 404); admins
see all. Routes in `classroom/api/urls.py`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.stats.agreement import Reliability
from classroom.api.serializers import (
    AgreementSerializer,
    AssignmentDetailSerializer,
    ClassDetailSerializer,
    ClassSerializer,
    FeedbackSerializer,
    KeySerializer,
    ReliabilitySerializer,
    StudentAnswersSerializer,
)
from classroom.forms import FeedbackQuery
from classroom.models import Assignment
from classroom.permissions import can_manage, require_results, visible_assignment, visible_class
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.selectors.assignments import Answer, AssignmentData
from classroom.services import classes as services
from core.api.filters import read_query, reject_unknown_params

TAGS = ["classes"]


# Helpers --------------------------------------------------------------------------------------


def _answers(answers: dict[int, Answer]) -> list[dict]:
    return [{"sentence": sentence_id, **_answer(a)} for sentence_id, a in answers.items()]


def _answer(a: Answer) -> dict:
    return {
        "label": a.label,
        "outlet_id": a.outlet_id,
        "cited_source": a.cited_source,
        "note": a.note,
        "from_spans": a.from_spans,
        "basis": a.basis,
    }


def _reliability(r: Reliability) -> dict:
    return {name: getattr(r, name) for name in ReliabilitySerializer().fields}


def _data(request: Request, pk: int) -> tuple[Assignment, AssignmentData, bool]:
    assignment = visible_assignment(request.user, pk)
    return (
        assignment,
        selectors.assignment_data(assignment),
        can_manage(request.user, assignment.classroom),
    )


# Views ------------------------------------------------------------------------------------------


@extend_schema(tags=TAGS, responses=ClassSerializer(many=True), summary="My classes")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def class_list(request: Request) -> Response:
    reject_unknown_params(request, ())
    classes = selectors.classes_for(request.user)
    return Response(ClassSerializer(classes, many=True, context={"request": request}).data)


@extend_schema(tags=TAGS, responses=ClassDetailSerializer, summary="A class and its assignments")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def class_detail(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    classroom = visible_class(request.user, pk)
    return Response(ClassDetailSerializer(classroom, context={"request": request}).data)


@extend_schema(tags=TAGS, responses=AssignmentDetailSerializer, summary="An assignment")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_detail(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    assignment, data, managing = _data(request, pk)
    students = data.students if managing else [request.user]
    progress = [results.progress(data, s.pk) for s in students if s.pk in data.pseudonyms]
    return Response(
        AssignmentDetailSerializer(
            {
                "assignment": assignment,
                "units": [s.pk for s in data.units],
                "progress": [
                    {
                        "student": p.student.get_username(),
                        "done": p.done,
                        "total": p.total,
                        "submitted_at": p.submitted_at,
                    }
                    for p in progress
                ],
                "sees_results": managing or data.is_frozen(request.user.pk),
            }
        ).data
    )


@extend_schema(
    tags=TAGS,
    responses=StudentAnswersSerializer(many=True),
    summary="Answers: yours; everyone's once you have handed in (pseudonymous)",
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_answers(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    _, data, managing = _data(request, pk)
    you = request.user.pk
    if managing:
        shown = [(s, s.get_username()) for s in data.students]
    elif data.is_frozen(you):
        shown = [
            (s, "you" if s.pk == you else data.pseudonyms[s.pk])
            for s in data.students
            if data.is_frozen(s.pk)
        ]
    else:
        shown = [(s, "you") for s in data.students if s.pk == you]
    return Response(
        StudentAnswersSerializer(
            [
                {
                    "student": name,
                    "you": s.pk == you,
                    "submitted": s.pk in data.submissions,
                    "answers": _answers(data.answers.get(s.pk, {})),
                }
                for s, name in shown
            ],
            many=True,
        ).data
    )


@extend_schema(tags=TAGS, responses=KeySerializer(many=True), summary="The answer key")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_key(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    assignment = visible_assignment(request.user, pk)
    require_results(request.user, assignment)
    data = selectors.assignment_data(assignment)
    return Response(KeySerializer(_answers(data.key), many=True).data)


@extend_schema(
    tags=TAGS,
    responses=FeedbackSerializer,
    summary="Feedback against the key: yours, or a student's (?student=<id>) for the teacher",
    parameters=[
        OpenApiParameter("student", int, description="A student's id (the class's teacher only).")
    ],
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_feedback(request: Request, pk: int) -> Response:
    query = read_query(request, FeedbackQuery)
    assignment, data, managing = _data(request, pk)
    require_results(request.user, assignment)
    student_id = request.user.pk
    if query["student"] is not None:
        if not managing:
            raise PermissionDenied("You see your own feedback only.")
        student_id = query["student"]
    if student_id not in data.pseudonyms:
        raise Http404("Not a student of this class.")
    result = results.feedback(data, student_id)
    return Response(
        FeedbackSerializer(
            {
                **{f: getattr(result, f) for f in ("keyed", "answered", "matches")},
                **{f: getattr(result, f) for f in ("percent", "score", "kappa", "scores")},
                "confusion": result.confusion,
                "labels": results.LABELS,
                "differences": result.differences,
            }
        ).data
    )


@extend_schema(tags=TAGS, responses=AgreementSerializer, summary="Agreement figures")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_agreement(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    assignment, data, managing = _data(request, pk)
    require_results(request.user, assignment)
    figures = results.figures([data], frozen_only=not managing)
    per_article = {
        str(article.pk): _reliability(
            results.figures([data], article=article, frozen_only=not managing).among
        )
        for article in assignment.articles.all()
    }
    return Response(
        AgreementSerializer(
            {
                "among_students": _reliability(figures.among),
                "per_label": {k: _reliability(v) for k, v in figures.among.per_label.items()},
                "per_article": per_article,
                "with_key_percent": figures.percent,
                "with_key_kappa": figures.kappa,
            }
        ).data
    )


@extend_schema(tags=TAGS, request=None, responses={201: None}, summary="Hand the assignment in")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def assignment_submit(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    assignment = visible_assignment(request.user, pk)
    submission = services.submit(assignment=assignment, student=request.user)
    return Response(
        {"submitted_at": submission.submitted_at.isoformat()}, status=status.HTTP_201_CREATED
    )
