from rest_framework import serializers

from accounts.models import RoleAssignment, Unit, User


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class UnitOutputSerializer(serializers.ModelSerializer):
    parent_id = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.code")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "active", "depth", "parent_id", "organisation"]

    def get_parent_id(self, unit) -> int | None:
        # The parent is resolved in bulk by the view (one query), not per row.
        return self.context.get("parent_ids", {}).get(unit.pk)


class PersonOutputSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(allow_null=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name", "employee_code", "unit", "position", "staff_group",
            "is_leader", "is_party_member", "email", "phone", "is_active",
        ]


class RoleOutputSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()

    class Meta:
        model = RoleAssignment
        fields = ["role", "unit", "valid_from", "valid_to"]


class MeOutputSerializer(PersonOutputSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(PersonOutputSerializer.Meta):
        fields = [*PersonOutputSerializer.Meta.fields, "roles"]

    def get_roles(self, user) -> list[dict]:
        return RoleOutputSerializer(self.context["roles"], many=True).data
