from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import FileExtensionValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.managers import GroupObjectPermissionManager, UserObjectPermissionManager
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from accounts.collation import by_vietnamese
from core.models import SearchText


class Organisation(models.Model):
    """A public body that runs Kỷ Cương (e.g. a province); it owns one or more unit trees."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    # Decree 30/2020/NĐ-CP, appendix I: the place name of an official document is that of the
    # province or city where the body sits ("Buôn Ma Thuột, ngày … tháng … năm …").
    document_place = models.CharField(
        _("place name in documents"), max_length=100, blank=True,
        help_text=_("Written before the date of every official document; empty: the server's default."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


def regulation_file_path(instance, filename):
    return f"regulations/{timezone.now():%Y%m}/{filename}"


class LocalRegulation(models.Model):
    """A regulation the organisation issued itself (quy chế, quy định of the body or the province):
    the local rules and thresholds it sets cite it, so none is passed off as a national article."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="regulations",
                                     verbose_name=_("organisation"))
    number = models.CharField(_("regulation number"), max_length=100, help_text=_("E.g. 15/2024/QĐ-UBND."))
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issued by"), max_length=200)
    title = models.CharField(_("summary of contents"), max_length=500)
    file = models.FileField(_("file"), upload_to=regulation_file_path, blank=True,
                            validators=[FileExtensionValidator(["pdf", "doc", "docx"])])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local regulation")
        verbose_name_plural = _("local regulations")
        ordering = ["organisation", "-issued_on", "number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="regulation_number_unique")]

    def __str__(self):
        return self.citation

    @property
    def citation(self) -> str:
        """How a rule names it: "Quyết định 15/2024/QĐ-UBND ngày 20/03/2024 của UBND tỉnh: <title>"."""
        return _("%(number)s of %(day)s by %(issuer)s: %(title)s") % {
            "number": self.number, "day": self.issued_on.strftime("%d/%m/%Y"), "issuer": self.issuer,
            "title": self.title}


class UnitKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    DIVISION = "division", _("Division")
    COMMUNE = "commune", _("Commune / ward")
    INSPECTORATE = "inspectorate", _("Inspectorate")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PARTY_INSPECTION = "party_inspection", _("Party inspection committee")
    MASS_ORGANISATION = "mass_organisation", _("Fatherland Front / mass organisation")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
    OTHER = "other", _("Other")


class Unit(SearchText, MP_Node):
    """A unit in an organisation's tree, of any depth.

    The materialised path (treebeard's MP_Node) makes a subtree one indexed
    `path LIKE 'prefix%'` query (PostgreSQL gets a varchar_pattern_ops index for it
    because `path` is unique).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices, default=UnitKind.OTHER)
    active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=400, editable=False, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique_in_organisation"),
        ]
        permissions = [("assign_in_unit", "Can assign work in the unit's subtree")]

    def __str__(self):
        return self.name

    def search_source(self) -> str:
        return f"{self.name} {self.code}"

    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and of every unit above it, root first."""
        return self.paths_above(self.path)

    @classmethod
    def paths_above(cls, path: str) -> list[str]:
        """The path itself and the path of every unit above it, root first (no query)."""
        return [path[:end] for end in range(cls.steplen, len(path) + 1, cls.steplen)]

    def subtree_q(self, prefix: str = "") -> Q:
        """Q matching this unit and every unit below it, through the relation `prefix`."""
        return Q(**{f"{prefix}path__startswith": self.path})


class ScopeChangingQuerySet(models.QuerySet):
    """The rows of a model that decide access scopes (roles, unit grants). Saves and deletes raise
    the holders' access version through signals (accounts.signals); the writes that send no
    signal — update(), bulk_create(), bulk_update() — raise it here, in the same transaction, after
    the write, for the holders before and after it."""

    def holders(self, rows) -> set[int]:
        """The ids of the users whose scope the rows (a queryset of this model) decide."""
        raise NotImplementedError

    def _holders_of_pks(self, pks) -> set[int]:
        return self.holders(self.model._base_manager.using(self.db).filter(pk__in=list(pks))) if pks else set()

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            before = self._holders_of_pks(pks)
            count = super().update(**kwargs)
            bump_access_version(before | self._holders_of_pks(pks), using=self.db)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            bump_access_version(self.holders_of(created), using=self.db)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            before = self._holders_of_pks([obj.pk for obj in objs if obj.pk is not None])
            count = super().bulk_update(objs, fields, *args, **kwargs)
            bump_access_version(before | self.holders_of(objs), using=self.db)
        return count

    bulk_update.alters_data = True

    def holders_of(self, objs) -> set[int]:
        return {obj.user_id for obj in objs}


class _UserHeldQuerySet(ScopeChangingQuerySet):
    def holders(self, rows) -> set[int]:
        return set(rows.values_list("user_id", flat=True))


class _GroupHeldQuerySet(ScopeChangingQuerySet):
    def holders(self, rows) -> set[int]:
        groups = set(rows.values_list("group_id", flat=True))
        bump_group_members_on_commit(groups, using=self.db)
        return group_members(groups, using=self.db)

    def holders_of(self, objs) -> set[int]:
        groups = {obj.group_id for obj in objs}
        bump_group_members_on_commit(groups, using=self.db)
        return group_members(groups, using=self.db)


class UnitUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grant table (guardian's generic one is slow on big tables)."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    objects = UserObjectPermissionManager.from_queryset(_UserHeldQuerySet)()


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    objects = GroupObjectPermissionManager.from_queryset(_GroupHeldQuerySet)()


class StaffGroup(models.TextChoices):
    CADRE = "can_bo", _("Cadre (cán bộ)")
    CIVIL_SERVANT = "cong_chuc", _("Civil servant (công chức)")
    PUBLIC_EMPLOYEE = "vien_chuc", _("Public employee (viên chức)")
    WORKER = "nguoi_lao_dong", _("Contract worker (người lao động)")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, username, password, **extra_fields):
        if not username:
            raise ValueError("A username is required.")
        user = self.model(username=username, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, password, **extra_fields)

    def create_superuser(self, username, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        extra_fields.setdefault("full_name", username)
        return self._create_user(username, password, **extra_fields)


class Language(models.TextChoices):
    """Languages of the interface. Vietnamese unless the person chooses otherwise: many office
    computers run an English system, and that must not switch the product to English."""

    VIETNAMESE = "vi", "Tiếng Việt"
    ENGLISH = "en", "English"


class User(SearchText, AbstractBaseUser, PermissionsMixin):
    """An official (or a system administrator) who signs in."""

    username = models.CharField(
        _("username"), max_length=150, unique=True, validators=[UnicodeUsernameValidator()]
    )
    full_name = models.CharField(_("full name"), max_length=200)
    employee_code = models.CharField(_("employee code"), max_length=50, unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("unit")
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    staff_group = models.CharField(
        _("staff group"), max_length=20, choices=StaffGroup.choices, default=StaffGroup.CIVIL_SERVANT
    )
    is_leader = models.BooleanField(_("leader or manager"), default=False)
    is_party_member = models.BooleanField(_("party member"), default=False)
    service_start_date = models.DateField(_("service start date"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("interface language"), max_length=8, choices=Language.choices,
                                default=Language.VIETNAMESE)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    search_text = models.CharField(max_length=500, editable=False, default="")
    # Raised (in the database, never from an instance: see save) by every change that can change
    # what the user may reach — a role, a grant to them or to a group of theirs, their groups. A
    # session keeps the user's access scope stamped with it (accounts.access.scope_for).
    access_version = models.PositiveBigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "access_version"])

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = [by_vietnamese("full_name"), "id"]
        indexes = [models.Index(fields=["unit", "full_name"], name="user_unit_name_idx")]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    def search_source(self) -> str:
        return f"{self.full_name} {self.employee_code or ''} {self.username} {self.email}"

    def save(self, *args, **kwargs):
        # The access version only ever goes up, in the database (bump_access_version). Saving an
        # instance loaded before a raise must not write the older number back: a session's scope
        # stamped with it would count again, and a role taken away would be back. So a full save of
        # an existing user writes every other loaded field, never this one.
        if not self._state.adding and not args and kwargs.get("update_fields") is None \
                and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname for field in self._meta.concrete_fields
                if not field.primary_key and field.attname != "access_version" and field.attname not in deferred
            ]
        super().save(*args, **kwargs)


def bump_access_version(user_ids, using=None) -> None:
    """Make the next request of each of these users work their access scope out again."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if ids:
        User._base_manager.db_manager(using).filter(pk__in=ids).update(access_version=F("access_version") + 1)


def group_members(group_ids, using=None) -> set[int]:
    """The ids of the users in these groups."""
    return set(User._base_manager.db_manager(using).filter(groups__in=list(group_ids)).values_list("pk", flat=True))


def bump_group_members_on_commit(group_ids, using=None) -> None:
    """Raise the members' versions once more when the transaction that changed the groups' grants
    commits: someone who joined one of the groups meanwhile, in a transaction this one could not see,
    may have worked their scope out from the grants as they were before this change."""
    groups = sorted(set(group_ids))
    if groups:
        transaction.on_commit(lambda: bump_access_version(group_members(groups, using=using), using=using),
                              using=using)


class AccessGeneration(models.Model):
    """One row, raised whenever units' paths (or a unit's organisation) change: a moved subtree, a
    sibling shifted to make room, a deleted unit. Every session's scope names units by path, so
    every scope is worked out again. Read in the same query that loads the signed-in user."""

    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    @classmethod
    def bump(cls, using=None) -> None:
        manager = cls._base_manager.db_manager(using)
        if manager.filter(pk=cls.ROW).update(value=F("value") + 1):
            return
        try:  # no row yet (a database flushed by a test): the first raise makes it
            with transaction.atomic(using=using):
                manager.create(pk=cls.ROW, value=1)
        except IntegrityError:
            manager.filter(pk=cls.ROW).update(value=F("value") + 1)

    @classmethod
    def current(cls):
        """The generation as a subquery, to annotate the query that loads a user (0 without a row)."""
        return Subquery(cls._base_manager.filter(pk=cls.ROW).values("value")[:1])


class Role(models.TextChoices):
    HEAD = "head", _("Head of unit")
    DEPUTY = "deputy", _("Deputy head")
    STAFF = "staff", _("Staff")
    INSPECTOR = "inspector", _("Inspector")
    COUNCIL_MEMBER = "council_member", _("Emulation council member")
    COUNCIL_SECRETARY = "council_secretary", _("Emulation council secretary")
    ADMIN = "admin", _("Administrator")


class RoleAssignmentQuerySet(_UserHeldQuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on, user__is_active=True)


class RoleAssignment(models.Model):
    """A role held by a person in a unit, for a period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("official"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["unit__path", "role"]
        indexes = [
            models.Index(fields=["user", "role"], name="role_user_role_idx"),
            models.Index(fields=["unit", "role"], name="role_unit_role_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_valid_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
