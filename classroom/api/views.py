"""/api/classes/…: classes, assignments, answers, the key and feedback, as JSON.

The same access helpers and blindness rule as the pages (`classroom.permissions`): a student
reads their own answers any time, and the key, the feedback, the agreement figures and
the classmates' answers (under pseudonyms) only once they have handed the assignment in
or it is past due. A teacher sees only their own classes (another's is a 404); admins
see all. Mounted by `config/urls.py` ahead of the `api/` routes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.stats.agreement import Reliability
from classroom.models import Assignment, Classroom
from classroom.permissions import require_results, visible_assignment, visible_class
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.selectors.assignments import Answer, AssignmentData
from classroom.services import classes as services
from core.ids import parse_id

TAGS = ["classes"]


# Serializers ------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    articles = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "title",
            "instructions",
            "due_at",
            "articles",
            "include_boilerplate",
            "include_comments",
            "hints",
        ]


class ClassSerializer(serializers.ModelSerializer):
    teacher = serializers.CharField(source="teacher.get_username", read_only=True)
    teaching = serializers.SerializerMethodField()

    class Meta:
        model = Classroom
        fields = ["id", "name", "teacher", "teaching", "time_zone"]

    def get_teaching(self, obj: Classroom) -> bool:
        return services.can_manage(self.context["request"].user, obj)


class ClassDetailSerializer(ClassSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta(ClassSerializer.Meta):
        fields = [*ClassSerializer.Meta.fields, "assignments"]


class AnswerSerializer(serializers.Serializer):
    sentence = serializers.IntegerField()
    label = serializers.CharField()
    outlet = serializers.IntegerField(source="outlet_id")
    cited_source = serializers.CharField()
    note = serializers.CharField()
    from_spans = serializers.BooleanField()


class KeySerializer(AnswerSerializer):
    basis = serializers.CharField(help_text="teacher, adjudicated or majority")


class StudentAnswersSerializer(serializers.Serializer):
    student = serializers.CharField(help_text="A username for the teacher; else a pseudonym.")
    you = serializers.BooleanField()
    submitted = serializers.BooleanField()
    answers = AnswerSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    student = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class AssignmentDetailSerializer(serializers.Serializer):
    assignment = AssignmentSerializer()
    units = serializers.ListField(child=serializers.IntegerField(), help_text="Sentence ids.")
    progress = ProgressSerializer(many=True, help_text="Everyone's for the teacher; else yours.")
    sees_results = serializers.BooleanField()


class LabelScoreSerializer(serializers.Serializer):
    label = serializers.CharField()
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    support = serializers.IntegerField()


class DifferenceSerializer(serializers.Serializer):
    sentence = serializers.IntegerField(source="sentence.pk")
    text = serializers.CharField(source="sentence.text")
    yours = serializers.CharField(source="answer.label")
    key = serializers.CharField(source="key.label")
    key_note = serializers.CharField(source="key.note")
    key_cited_source = serializers.CharField(source="key.cited_source")
    cue = serializers.CharField()
    suggestion_label = serializers.CharField(help_text="The label suggester's label.")
    suggestion = serializers.CharField(help_text="Why the suggester suggests it.")


class FeedbackSerializer(serializers.Serializer):
    keyed = serializers.IntegerField()
    answered = serializers.IntegerField()
    matches = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="0..1, over answered units")
    score = serializers.FloatField(allow_null=True, help_text="0..1, over all keyed units")
    kappa = serializers.FloatField(allow_null=True)
    scores = LabelScoreSerializer(many=True)
    confusion = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Rows: the key's label; columns: the answer's; labels in the order of `labels`.",
    )
    labels = serializers.ListField(child=serializers.CharField())
    differences = DifferenceSerializer(many=True)


class ReliabilitySerializer(serializers.Serializer):
    coders = serializers.IntegerField()
    units = serializers.IntegerField()
    values = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    cohen = serializers.FloatField(allow_null=True)
    fleiss = serializers.FloatField(allow_null=True)
    fleiss_units = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True)


class AgreementSerializer(serializers.Serializer):
    among_students = ReliabilitySerializer()
    per_label = serializers.DictField(child=ReliabilitySerializer())
    per_article = serializers.DictField(child=ReliabilitySerializer())
    with_key_percent = serializers.FloatField(allow_null=True)
    with_key_kappa = serializers.FloatField(allow_null=True)


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
        services.can_manage(request.user, assignment.classroom),
    )


# Views ------------------------------------------------------------------------------------------


@extend_schema(tags=TAGS, responses=ClassSerializer(many=True), summary="My classes")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def class_list(request: Request) -> Response:
    classes = selectors.classes_for(request.user)
    return Response(ClassSerializer(classes, many=True, context={"request": request}).data)


@extend_schema(tags=TAGS, responses=ClassDetailSerializer, summary="A class and its assignments")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def class_detail(request: Request, pk: int) -> Response:
    classroom = visible_class(request.user, pk)
    return Response(ClassDetailSerializer(classroom, context={"request": request}).data)


@extend_schema(tags=TAGS, responses=AssignmentDetailSerializer, summary="An assignment")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_detail(request: Request, pk: int) -> Response:
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
    assignment, data, managing = _data(request, pk)
    require_results(request.user, assignment)
    student_id = request.user.pk
    if "student" in request.query_params:
        if not managing:
            raise PermissionDenied("You see your own feedback only.")
        raw = request.query_params["student"]
        student_id = parse_id(raw)
        if student_id is None:
            raise ValidationError({"student": "must be a student's id (a whole number)."})
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
    assignment = visible_assignment(request.user, pk)
    submission = services.submit(assignment=assignment, student=request.user)
    return Response(
        {"submitted_at": submission.submitted_at.isoformat()}, status=status.HTTP_201_CREATED
    )


def _api(route: str, view, name: str):
    # DRF answers for itself (401/403 JSON), so the login redirect must not step in.
    return path(route, login_not_required(view), name=name)


urlpatterns = [
    _api("", class_list, "api-class-list"),
    _api("<int:pk>/", class_detail, "api-class-detail"),
    _api("assignments/<int:pk>/", assignment_detail, "api-assignment-detail"),
    _api("assignments/<int:pk>/answers/", assignment_answers, "api-assignment-answers"),
    _api("assignments/<int:pk>/key/", assignment_key, "api-assignment-key"),
    _api("assignments/<int:pk>/feedback/", assignment_feedback, "api-assignment-feedback"),
    _api("assignments/<int:pk>/agreement/", assignment_agreement, "api-assignment-agreement"),
    _api("assignments/<int:pk>/submit/", assignment_submit, "api-assignment-submit"),
]
