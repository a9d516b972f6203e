"""Input and output shapes of the reform API (one serializer per direction). Relations are given by
code inside the set the URL names, so nothing of another set or organisation can be attached."""

from rest_framework import serializers

from core.serializers import ReasonInputSerializer
from reform.models import Area, Assessment, Band, CriteriaSet, LinkKind, Result, Score, ScoreLink, SubCriterion
from tasks.selectors import task_official_status


class BandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Band
        fields = ["name", "min_percent"]


class SubCriterionSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")

    class Meta:
        model = SubCriterion
        fields = ["id", "code", "name", "criterion", "max_points", "method", "step", "measure", "steps",
                  "evidence_required", "unit_kinds", "legal_basis"]


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "survey_max_points"]


class CriteriaSetSerializer(serializers.ModelSerializer):
    issuing_unit = serializers.CharField(source="issuing_unit.name")
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CriteriaSet
        fields = ["id", "title", "year", "unit_group", "version", "status", "legal_basis", "issuing_unit",
                  "self_assessment_deadline", "answer_window_days", "published_on", "unit_count"]


class CriteriaSetDetailSerializer(CriteriaSetSerializer):
    bands = BandSerializer(many=True)
    areas = AreaSerializer(many=True)
    sub_criteria = SubCriterionSerializer(many=True)

    class Meta(CriteriaSetSerializer.Meta):
        fields = [f for f in CriteriaSetSerializer.Meta.fields if f != "unit_count"] + [
            "based_on", "change_reason", "bands", "areas", "sub_criteria"]


class AssessmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    unit_code = serializers.CharField(source="unit.code")
    appraiser = serializers.CharField(source="appraiser.full_name", default=None, allow_null=True)
    self_scored = serializers.IntegerField(read_only=True)
    appraised = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "criteria_set", "unit", "unit_code", "status", "appraiser", "submitted_at", "appraised_at",
                  "self_scored", "appraised"]


class ScoreLinkSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = ScoreLink
        fields = ["id", "kind", "object_id", "label", "outcome", "automatic", "url"]


class ScoreSerializer(serializers.ModelSerializer):
    sub_criterion = serializers.CharField(source="sub_criterion.code")
    appraised_by = serializers.CharField(source="appraised_by.full_name", default=None, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.full_name", default=None, allow_null=True)
    links = ScoreLinkSerializer(many=True)

    class Meta:
        model = Score
        fields = ["sub_criterion", "self_points", "self_note", "appraised_points", "appraisal_comment",
                  "appraised_by", "answer", "answered_at", "decided_points", "decision_note", "decided_by",
                  "remedy_task", "links"]


class AssessmentDetailSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    task = serializers.CharField(source="task.code", default=None, allow_null=True)
    finalised_by = serializers.CharField(source="finalised_by.full_name", default=None, allow_null=True)
    scores = ScoreSerializer(many=True)

    class Meta:
        model = Assessment
        fields = ["id", "criteria_set", "unit", "status", "task", "submitted_at", "appraised_at", "answer_due_on",
                  "finalised_by", "finalised_at", "scores"]


class IndexResultSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    unit_code = serializers.CharField(source="unit.code")

    class Meta:
        model = Result
        fields = ["rank", "unit", "unit_code", "self_points", "appraised_points", "survey_points",
                  "applicable_points", "index", "band_name"]


class ScoreInputSerializer(serializers.Serializer):
    sub_criterion = serializers.CharField(max_length=20)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=4000)


class AppraiseInputSerializer(serializers.Serializer):
    sub_criterion = serializers.CharField(max_length=20)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=4000)


class LinkInputSerializer(serializers.Serializer):
    sub_criterion = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=[LinkKind.TASK, LinkKind.FINDING, LinkKind.DECISION])
    code = serializers.CharField(max_length=40)


class AnswerInputSerializer(serializers.Serializer):
    sub_criterion = serializers.CharField(max_length=20)
    answer = serializers.CharField(max_length=4000)


class DecideInputSerializer(serializers.Serializer):
    sub_criterion = serializers.CharField(max_length=20)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=4000)


class RemedySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="assessment.unit.name")
    sub_criterion = serializers.CharField(source="sub_criterion.code")
    task = serializers.CharField(source="remedy_task.code")
    task_status = serializers.CharField(source="remedy_task.status")
    official_status = serializers.SerializerMethodField()
    lead = serializers.CharField(source="remedy_task.lead.full_name", default=None, allow_null=True)
    deadline = serializers.DateTimeField(source="remedy_task.deadline")

    class Meta:
        model = Score
        fields = ["id", "unit", "sub_criterion", "appraisal_comment", "task", "task_status", "official_status",
                  "lead", "deadline"]

    def get_official_status(self, score) -> str:
        return task_official_status(score.remedy_task)[0]


class SurveyRowInputSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=50)
    area = serializers.CharField(max_length=20)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)


class SurveyInputSerializer(serializers.Serializer):
    rows = SurveyRowInputSerializer(many=True, allow_empty=False, max_length=10000)


class IndexPublishInputSerializer(serializers.Serializer):
    published_on = serializers.DateField()


class SetCopyInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    title = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    legal_basis = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    members = serializers.BooleanField(required=False, default=False)


class SetVersionInputSerializer(ReasonInputSerializer):
    """Why the criteria of a set in use change."""


class CriteriaSetVersionSerializer(CriteriaSetSerializer):
    """A set made from another: the set it was copied from, or the version it replaces, and why."""

    unit_count = None

    class Meta(CriteriaSetSerializer.Meta):
        fields = [f for f in CriteriaSetSerializer.Meta.fields if f != "unit_count"] + ["based_on", "change_reason"]
