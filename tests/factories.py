import factory
from django.utils import timezone

from accounts.models import Organisation, Role, RoleAssignment, StaffGroup, Unit, UnitKind, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"Tỉnh thử nghiệm {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    """Units go through treebeard (add_root / add_child) so paths are right."""

    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = UnitKind.DEPARTMENT

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is not None:
            kwargs["organisation"] = parent.organisation
            return model_class.objects.add_child(parent, kwargs)
        return model_class.objects.add_root(kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    employee_code = factory.Sequence(lambda n: f"E{n:05d}")
    staff_group = StaffGroup.CIVIL_SERVANT
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF
    valid_from = factory.LazyFunction(lambda: timezone.localdate().replace(year=timezone.localdate().year - 1))
