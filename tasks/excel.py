"""The task register (sổ theo dõi nhiệm vụ) export, and the import of a task list."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from config.xlsx import workbook_response
from tasks.models import Participant
from tasks.status import LABELS

REGISTER_HEADERS = [
    "STT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Văn bản giao", "Đơn vị chủ trì", "Người chủ trì", "Đơn vị, người phối hợp",
    "Hạn xử lý", "Hạn ban đầu", "Tiến độ (%)", "Trạng thái", "Tình trạng theo quy định", "Ngày hoàn thành", "Chất lượng",
]
REGISTER_WIDTHS = [6, 16, 48, 18, 28, 24, 36, 16, 16, 10, 18, 26, 16, 14]


def register_rows(tasks):
    """Rows of the register; participants come in one prefetch query per chunk, never per task."""
    now = timezone.now()
    tasks = tasks.prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("user", "unit").order_by("id"))
    )
    for number, task in enumerate(tasks.iterator(chunk_size=2000), start=1):
        parties = "; ".join(
            f"{p.user or ''}{' – ' if p.user and p.unit else ''}{p.unit or ''}" for p in task.participants.all()
        )
        official = getattr(task, "official", None)
        if official is None:
            from tasks.status import official_status

            official = official_status(task, now)
        yield [
            number, task.code, task.title, task.source_number, str(task.lead_unit or ""), str(task.lead or ""), parties,
            task.deadline, task.original_deadline if task.extended else None, task.progress_percent,
            task.get_status_display(), str(LABELS.get(official, "")), task.submitted_at if task.completed_at else None,
            task.get_quality_display() if task.quality else "",
        ]


def register_response(tasks, *, title: str):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(
        f"so-theo-doi-nhiem-vu-{stamp}.xlsx", "Sổ theo dõi nhiệm vụ", REGISTER_HEADERS, register_rows(tasks),
        title_line=f"SỔ THEO DÕI NHIỆM VỤ — {title} — lập lúc {timezone.localtime():%H:%M %d/%m/%Y}",
        widths=REGISTER_WIDTHS,
    )
