"""What /api/classes/ answers, field by field (it only reads, apart from handing in)."""

from __future__ import annotations

from rest_framework import serializers

from classroom.models import Assignment, Classroom
from classroom.permissions import can_manage


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
        return can_manage(self.context["request"].user, obj)


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
