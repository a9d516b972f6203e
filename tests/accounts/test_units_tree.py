import pytest
from django.db import connection

from accounts.models import Unit
from core.text import fold
from tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_subtree_is_one_query_and_exact(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = set(Unit.objects.filter(world.dept.subtree_q()).values_list("code", flat=True))
    assert codes == {"D1", "D1A", "D1A1"}


def test_subtree_through_a_relation_matches_members(world):
    from accounts.models import User

    members = set(User.objects.filter(world.division.subtree_q("unit__")).values_list("full_name", flat=True))
    assert members == {"Nguyễn Văn A", "Trần Thị Bích"}


def test_tree_of_any_depth():
    org = OrganisationFactory()
    node = UnitFactory(organisation=org, code="L0")
    for level in range(1, 12):
        node = UnitFactory(parent=node, code=f"L{level}")
    assert node.depth == 12
    assert Unit.objects.get_descendant_count(Unit.objects.filter(organisation=org).first()) == 11
    assert [a.code for a in Unit.objects.get_ancestors(node)][:2] == ["L0", "L1"]


def test_sibling_with_a_shared_prefix_is_not_in_the_subtree():
    # Paths are fixed-width steps, so unit "0001" is never mistaken for the parent of "00010001…" siblings.
    org = OrganisationFactory()
    root = UnitFactory(organisation=org, code="R")
    children = [UnitFactory(parent=root, code=f"C{i}") for i in range(12)]
    first = children[0]
    in_first = set(Unit.objects.filter(first.subtree_q()).values_list("code", flat=True))
    assert in_first == {"C0"}


def test_unit_code_unique_per_organisation_only():
    from django.db import IntegrityError, transaction

    a, b = OrganisationFactory(), OrganisationFactory()
    UnitFactory(organisation=a, code="SNV")
    UnitFactory(organisation=b, code="SNV")  # same code, other organisation: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(organisation=a, code="SNV")


def test_search_text_is_folded_on_save(world):
    world.dept.name = "Sở Nội vụ Đắk Lắk"
    world.dept.save(update_fields=["name"])
    world.dept.refresh_from_db()
    assert world.dept.search_text == fold("Sở Nội vụ Đắk Lắk D1") == "so noi vu dak lak d1"


@pytest.mark.postgres
def test_subtree_query_uses_an_index_on_postgresql(world):
    """PostgreSQL gets a varchar_pattern_ops index on the path, so prefix LIKE can use it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'accounts_unit'")
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert "varchar_pattern_ops" in definitions and "(path" in definitions
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = Unit.objects.filter(world.dept.subtree_q()).only("id").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "Index" in plan, plan


def test_children_counts_cover_the_whole_subtree(world, django_assert_num_queries):
    from accounts.selectors import unit_children_with_counts
    from tests.factories import UserFactory

    UserFactory(unit=world.sub_division)  # two levels below dept
    world.head_dept._access_scope = None
    with django_assert_num_queries(3):  # roles, grants (scope), the children with their counts
        counts = {u.code: u.member_count for u in unit_children_with_counts(world.head_dept, world.dept)}
    assert counts == {"D1A": 3}  # Nguyễn Văn A, Trần Thị Bích, and the one in D1A1
