"""The head's unit overview: sub-units ranked by overdue count and by on-time rate, a chart with a
legend and a Vietnamese text alternative, empty sub-units folded away, the trend by month — and
every number opens the list it counts."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Task
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """Every link of a page with the number it shows: its text, or the count in its <title>."""

    def __init__(self):
        super().__init__()
        self.links, self._open = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append([dict(attrs).get("href", ""), ""])

    def handle_data(self, data):
        for link in self._open:
            link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(tuple(self._open.pop()))


def numbered_links(body):
    parser = Links()
    parser.feed(body)
    out = []
    for href, text in parser.links:
        number = re.fullmatch(r"\s*(?:.*: )?(\d+)\s*", text)
        if href.startswith(reverse("tasks:list")) and number:
            out.append((href.replace("&amp;", "&"), int(number.group(1))))
    return out


@pytest.fixture
def units(world, make_task):
    """Three sub-units of the department: the division (one on time, one late, one open), a team with
    two overdue tasks, and an office without tasks."""
    team = UnitFactory(parent=world.dept, code="D1B", name="Phòng Kế hoạch")
    UnitFactory(parent=world.dept, code="D1C", name="Văn phòng Sở")
    planner = UserFactory(full_name="Lý Văn Kế", unit=team)
    make_task(status="completed", title="Xong đúng hạn")
    late = make_task(status="completed", title="Xong muộn")
    Task.objects.filter(pk=late.pk).update(submitted_at=late.deadline + timedelta(days=2))
    make_task(status="in_progress", title="Đang làm")
    for i in range(2):
        overdue = make_task(status="in_progress", title=f"Quá hạn {i}", lead=planner)
        Task.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(days=3 + i))
    return team


def test_sub_units_are_ranked_by_overdue_and_by_on_time_rate_and_empty_ones_are_folded(client, world, units):
    client.force_login(world.head_dept)
    by_overdue = client.get(reverse("tasks:overview")).context
    assert [row["unit"].code for row in by_overdue["children"]] == ["D1B", "D1A"]
    assert [(row["counts"]["open_overdue"], row["rate"]) for row in by_overdue["children"]] == [(2, 0), (0, 50)]
    assert [u.code for u in by_overdue["without_tasks"]] == ["D1C"]
    body = client.get(reverse("tasks:overview")).content.decode()
    assert 'data-testid="sub-unit-D1C"' not in body and 'data-testid="without-tasks"' in body
    by_rate = client.get(reverse("tasks:overview"), {"sort": "rate"}).context
    assert [row["unit"].code for row in by_rate["children"]] == ["D1B", "D1A"]
    by_name = client.get(reverse("tasks:overview"), {"sort": "name"}).context
    assert [row["unit"].code for row in by_name["children"]] == ["D1A", "D1B"]
    # An unknown sort is not passed on: the default ranking answers.
    assert client.get(reverse("tasks:overview"), {"sort": "-id"}).context["sort"] == "overdue"
    # The whole unit: 1 of the 4 tasks come to term was done on time.
    assert (by_overdue["on_time"], by_overdue["came_to_term"], by_overdue["rate"]) == (1, 4, 25)


def test_every_number_of_the_overview_opens_the_list_it_counts(client, world, units):
    client.force_login(world.head_dept)
    body = client.get(reverse("tasks:overview")).content.decode()
    links = numbered_links(body)
    assert len(links) > 20  # tiles, sub-unit cells, every part of every bar, the months
    for href, number in links:
        page = client.get(href).context["page"]
        assert page.paginator.count == number, href


def test_the_chart_has_a_legend_and_says_its_numbers_in_vietnamese(client, world, units):
    client.force_login(world.head_dept)
    body = client.get(reverse("tasks:overview")).content.decode()
    legend = re.search(r'data-testid="legend">(.*?)</ul>', body, re.S).group(1)
    assert all(label in legend for label in ("Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Chưa hoàn thành, quá hạn"))
    labels = re.findall(r'<svg class="stackbar"[^>]*aria-label="([^"]*)"', body)
    assert "Phòng Kế hoạch: Hoàn thành đúng hạn 0, Hoàn thành đúng hạn sau gia hạn 0, Hoàn thành quá hạn 0, " \
           "Chưa hoàn thành, trong hạn 0, Chưa hoàn thành, quá hạn 2" in labels
    assert not any(re.search(r"done_|open_", label) for label in labels)


def test_the_trend_counts_each_month_of_deadline(client, world, units, make_task):
    earlier = make_task(status="completed", title="Hai tháng trước")
    deadline = timezone.localtime().replace(day=1, hour=12) - timedelta(days=70)  # no other task falls then
    Task.objects.filter(pk=earlier.pk).update(deadline=deadline, submitted_at=deadline - timedelta(days=1),
                                                 completed_at=deadline)
    client.force_login(world.head_dept)
    trend = client.get(reverse("tasks:overview")).context["trend"]
    assert len(trend) == 12
    month = {row["month"]: row for row in trend}[deadline.date().replace(day=1)]
    assert (month["total"], month["counts"]["done_on_time"], month["rate"]) == (1, 1, 100)


def test_the_head_home_ranks_sub_units_instead_of_counting_staff(client, world, units):
    client.force_login(world.head_dept)
    body = client.get(reverse("home")).content.decode()
    table = re.search(r'data-testid="home-ranking-D1">(.*?)</table>', body, re.S).group(1)
    assert table.index("Phòng Kế hoạch") < table.index("Phòng Tổ chức") and "Văn phòng Sở" not in table
    assert 'data-testid="overdue-D1">2<' in body and 'data-testid="rate-D1">25%<' in body
    for href, number in numbered_links(body):
        assert client.get(href).context["page"].paginator.count == number, href
