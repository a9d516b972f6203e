"""Input and output shapes of the reform API (one serializer per direction). Relations are given by
code inside the set the URL names, so nothing of another set or organisation can be attached."""

from rest_framework import serializers

from reform.models import Area, Assessment, Band, CriteriaSet, Result, Score, SubCriterion


class BandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Band
        fields = ["name", "min_percent"]


class SubCriterionSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")

    class Meta:
        model = SubCriterion
        fields = ["id", "code", "name", "criterion", "max_points", "method", "step", "evidence_required", "unit_kinds",
                  "legal_basis"]


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
                  "self_assessment_deadline", "published_on", "unit_count"]


class CriteriaSetDetailSerializer(CriteriaSetSerializer):
    bands = BandSerializer(many=True)
    areas = AreaSerializer(many=True)
    sub_criteria = SubCriterionSerializer(many=True)

    class Meta(CriteriaSetSerializer.Meta):
        fields = [f for f in CriteriaSetSerializer.Meta.fields if f != "unit_count"] + ["bands", "areas",
                                                                                       "sub_criteria"]


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


class ScoreSerializer(serializers.ModelSerializer):
    sub_criterion = serializers.CharField(source="sub_criterion.code")
    appraised_by = serializers.CharField(source="appraised_by.full_name", default=None, allow_null=True)

    class Meta:
        model = Score
        fields = ["sub_criterion", "self_points", "self_note", "appraised_points", "appraisal_comment",
                  "appraised_by", "remedy_task"]


class AssessmentDetailSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    scores = ScoreSerializer(many=True)

    class Meta:
        model = Assessment
        fields = ["id", "criteria_set", "unit", "status", "submitted_at", "appraised_at", "scores"]


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


class SurveyRowInputSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=50)
    area = serializers.CharField(max_length=20)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)


class SurveyInputSerializer(serializers.Serializer):
    rows = SurveyRowInputSerializer(many=True, allow_empty=False, max_length=10000)


class IndexPublishInputSerializer(serializers.Serializer):
    published_on = serializers.DateField()
