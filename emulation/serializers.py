from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import StaffGroup
from accounts.serializers import UnitRefSerializer
from core.api_schema import BOOLEAN, INTEGER, STRING, list_of
from emulation.models import (
    PERIOD_ORDER,
    Award,
    Choice,
    CouncilSession,
    Nomination,
    Period,
    Rating,
    RatingLevel,
    SessionResult,
    Title,
    UnitScore,
    Verdict,
)
from accounts.serializers import PersonRefSerializer


class PeriodSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Period
        fields = ["id", "name", "unit", "year", "quarter", "starts_on", "ends_on", "status", "computed_at", "frozen_at"]


class PeriodInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class AdvanceInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PERIOD_ORDER)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class RatingSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    final_level = serializers.CharField(read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "person", "unit", "staff_group", "mode", "general_points", "general_met", "general_note",
                  "organising_percent", "task_points", "score", "computed_level", "level", "level_note", "final_level", "pending_reason",
                  "disqualified", "withheld", "rank_in_unit", "rank_tied"]


class VerdictSerializer(serializers.ModelSerializer):
    conditions = serializers.JSONField(read_only=True)

    class Meta:
        model = Verdict
        fields = ["title", "eligible", "title_rule", "conditions"]


class RatingDetailSerializer(RatingSerializer):
    breakdown = serializers.JSONField(read_only=True)
    verdicts = serializers.SerializerMethodField()

    class Meta(RatingSerializer.Meta):
        fields = [*RatingSerializer.Meta.fields, "breakdown", "verdicts"]

    @extend_schema_field(VerdictSerializer(many=True))
    def get_verdicts(self, rating):
        return VerdictSerializer(Verdict.objects.filter(period_id=rating.period_id, person_id=rating.person_id)
                                 .order_by("title"), many=True).data


class RankingFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    level = serializers.ChoiceField(choices=[*RatingLevel.values, "pending", ""], required=False, default="")
    staff_group = serializers.ChoiceField(choices=[*StaffGroup.values, ""], required=False, default="")
    withheld = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=["score", "level", "unit", "name"], required=False, default="score")


class GeneralInputSerializer(serializers.Serializer):
    general_points = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True,
                                              default=None)
    general_met = serializers.BooleanField(required=False, allow_null=True, default=None)
    organising_percent = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                                  max_value=100)
    general_note = serializers.CharField(max_length=2000)


class LevelInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=RatingLevel.choices)
    level_note = serializers.CharField(max_length=2000)


class UnitScoreSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    cluster = serializers.CharField(source="cluster.name", read_only=True, allow_null=True, default=None)
    breakdown = serializers.JSONField(read_only=True)

    class Meta:
        model = UnitScore
        fields = ["unit", "cluster", "total", "max_total", "level", "rank", "rank_tied", "breakdown"]


class NominationSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "title", "person", "unit", "note", "status", "nominated_at"]


class NominationInputSerializer(serializers.Serializer):
    title = serializers.ChoiceField(choices=Title.choices)
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=4000)


class ResultSerializer(serializers.ModelSerializer):
    nomination = NominationSerializer(read_only=True)
    percent = serializers.FloatField(read_only=True)

    class Meta:
        model = SessionResult
        fields = ["nomination", "yes", "no", "not_voted", "members", "percent", "threshold_percent", "passed", "basis"]


class SessionSerializer(serializers.ModelSerializer):
    nominations = NominationSerializer(many=True, read_only=True)
    results = ResultSerializer(many=True, read_only=True)
    members = serializers.SerializerMethodField()
    ballots_cast = serializers.SerializerMethodField()

    class Meta:
        model = CouncilSession
        fields = ["id", "period", "name", "held_on", "status", "quorum", "base_threshold_percent", "members",
                  "ballots_cast", "nominations", "results", "decision_number", "decision_date", "minutes"]

    @extend_schema_field(list_of({"id": INTEGER, "full_name": STRING, "role": STRING, "present": BOOLEAN}))
    def get_members(self, session):
        return [{"id": m.user_id, "full_name": m.user.full_name, "role": m.role, "present": m.present}
                for m in session.members.select_related("user")]

    @extend_schema_field(OpenApiTypes.INT)
    def get_ballots_cast(self, session):
        return session.receipts.count()


class BallotInputSerializer(serializers.Serializer):
    choices = serializers.DictField(child=serializers.ChoiceField(choices=Choice.choices),
                                    help_text="Nomination id → yes / no, for every nomination on the ballot except the "
                                              "member's own or their unit's, which take no choice.")


class CloseInputSerializer(serializers.Serializer):
    decision_number = serializers.CharField(max_length=100)
    decision_date = serializers.DateField()
    minutes = serializers.CharField(required=False, default="", allow_blank=True)


class AwardSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Award
        fields = ["id", "title", "person", "unit", "decision_number", "decision_date", "revoked_at", "revoke_reason"]
