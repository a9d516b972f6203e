from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.access import people_visible_to, units_visible_to
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

class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]

@extend_schema_field(OpenApiTypes.INT)
class ScopedPeople(serializers.PrimaryKeyRelatedField):
    """Only people the requesting user may see can be attached (DRF #2374). Someone outside that
    scope is answered like someone who does not exist, in words an official understands."""

    default_error_messages = {"does_not_exist": _("Choose a person of your units (no. “{pk_value}” is not one).")}

    def get_queryset(self):
        return people_visible_to(self.context["request"].user).filter(is_active=True)

@extend_schema_field(OpenApiTypes.INT)
class ScopedUnits(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("Choose one of your units (no. “{pk_value}” is not one).")}

    def get_queryset(self):
        return units_visible_to(self.context["request"].user).filter(active=True)
