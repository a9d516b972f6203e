"""The document types. Adding one is one `register(DocumentKind(...))` here (and
`manage.py build_document_templates` to ship its default template)."""

from django.urls import reverse

from accounts.access import scope_for
from accounts.models import Role
from documents.registry import DocumentKind, register
from inspections import access as inspection_access
from inspections import services as inspection_services
from tasks import access as task_access
from tasks.rules import TaskStatus


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _local(moment):
    from django.utils import timezone

    return timezone.localtime(moment)


def _signature(person_name: str, unit, user=None) -> dict:
    """TM./KT. and the title from the signer's role in the issuing unit (Decree 30, appendix I)."""
    roles = set(user.role_assignments.current().filter(unit=unit).values_list("role", flat=True)) if user else set()
    head_title = "CHỦ TỊCH" if unit.kind == "peoples_committee" else "THỦ TRƯỞNG"
    authority = f"TM. {unit.name.upper()}" if unit.kind == "peoples_committee" else ""
    if Role.DEPUTY in roles and Role.HEAD not in roles:
        return {"signer_authority": f"KT. {head_title}", "signer_title": f"PHÓ {head_title}",
                "signer_name": person_name}
    return {"signer_authority": authority, "signer_title": head_title, "signer_name": person_name}


def _head_signature(unit) -> dict:
    """Signed by the head of the issuing unit, when it has one."""
    from accounts.selectors import heads_of

    heads = heads_of(unit)
    return _signature(heads[0].full_name if heads else "…", unit, heads[0] if heads else None)


def _council_basis(text: str) -> str:
    """A vote threshold's basis as a "Căn cứ" line — unless it is the product's default figure, which
    says it is no legal text ("Mức mặc định, …") until the body records its own regulation."""
    from emulation import rules as emulation_rules

    if not text or emulation_rules.is_default_vote_basis(text):
        return ""
    return f"Căn cứ {text};"


def _unique(lines):
    return list(dict.fromkeys(line for line in lines if line))


# -- Phiếu giao nhiệm vụ: a task's assignment note with its 5 rõ -----------------------------

def _task_context(task) -> dict:
    bases = []
    if task.source_number:
        bases.append(f"Căn cứ văn bản số {task.source_number}"
                     + (f" ngày {dmy(task.source_date)}" if task.source_date else "")
                     + (f" của {task.source_issuer}" if task.source_issuer else "") + ";")
    if task.authority_basis:
        bases.append(f"Căn cứ thẩm quyền giao nhiệm vụ: {task.authority_basis}.")
    partners = [f"{p.user.full_name if p.user else p.unit.name}: {p.part}" for p in task.participants.all()]
    lead = task.lead.full_name if task.lead else "…"
    lead_unit = task.lead_unit.name if task.lead_unit else (task.lead.unit.name if task.lead and task.lead.unit else "")
    body = [
        f"Giao {lead}" + (f" ({lead_unit})" if lead_unit else "") + " chủ trì thực hiện nhiệm vụ sau:",
        f"1. Rõ việc: {task.title}. {task.content}".strip(),
        f"2. Rõ người: chủ trì {lead}; phối hợp: {'; '.join(partners) or 'không'}; theo dõi, đôn đốc: "
        f"{task.monitor.full_name if task.monitor else task.assigner.full_name}.",
        f"3. Rõ quy trình: {task.process_description or '…'}; chế độ báo cáo: {task.reporting_regime or '…'}.",
        f"4. Rõ trách nhiệm: {task.responsibility or '…'}"
        + (f"; người chủ trì được tự quyết: {task.lead_may_decide}" if task.lead_may_decide else "") + ".",
        f"5. Rõ hiệu quả: {task.expected_result or '…'}; tiêu chí nghiệm thu: {task.acceptance_criterion or '…'}"
        + (f"; sản phẩm: {task.product_description}" if task.product_description else "") + ".",
        f"Thời hạn hoàn thành: {_local(task.deadline).strftime('%H:%M ngày %d/%m/%Y') if task.deadline else '…'}.",
    ]
    recipients = _unique([lead, *(p.user.full_name if p.user else p.unit.name for p in task.participants.all()),
                          "Lưu: VT"])
    return {"summary": f"Về việc {task.title[:1].lower()}{task.title[1:]}", "bases": bases, "body": body,
            "recipients": recipients,
            **_signature(task.assigner.full_name, task.assigning_unit, task.assigner)}


register(DocumentKind(
    key="task-assignment", label="Phiếu giao nhiệm vụ", abbreviation="PGNV",
    get_for_user=task_access.get_task_for_user,
    context=_task_context,
    issuing_unit=lambda task: task.assigning_unit,
    may_issue=lambda user, task: (task_access.can_assign_in(user, task.assigning_unit)
                                  and task.status != TaskStatus.DRAFT),
    record_url=lambda task: reverse("tasks:detail", args=[task.pk]),
))


# -- Quyết định kỷ luật -------------------------------------------------------------------------

def _decision_unit(decision):
    parent = type(decision.subject_unit).objects.get_parent(decision.subject_unit)
    return parent or decision.subject_unit


def _decision_context(decision) -> dict:
    bases = []
    if decision.form_rule:
        bases.append(f"Căn cứ {decision.form_rule.legal_basis};")
    if decision.rule_set:
        bases.append(f"Căn cứ {decision.rule_set.limitation_basis};")
        if decision.rule_set.processing_basis:
            bases.append(f"Căn cứ {decision.rule_set.processing_basis};")
    bases += [f"Căn cứ {f.violation_type.legal_basis};" for f in decision.findings.select_related("violation_type")]
    bases = _unique(bases)
    subject = decision.subject.full_name if decision.subject else decision.subject_unit.name
    form = decision.get_form_display() or "…"
    body = [
        f"Điều 1. Thi hành kỷ luật bằng hình thức {form.lower()} đối với {subject}, {decision.subject_unit.name}.",
        f"Lý do: {decision.summary}",
        f"Thời điểm vi phạm: {dmy(decision.violation_date)}.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày "
        f"{dmy(decision.effective_from or decision.decision_date)}"
        + (f"; thời hạn kỷ luật đến ngày {dmy(decision.effect_until)}" if decision.effect_until else "") + ".",
        f"Điều 3. {decision.subject_unit.name} và {subject} chịu trách nhiệm thi hành Quyết định này.",
    ]
    unit = _decision_unit(decision)
    return {"summary": f"Về việc thi hành kỷ luật đối với {subject}", "bases": bases, "body": body,
            "recipients": _unique([subject, decision.subject_unit.name, "Lưu: VT, hồ sơ kỷ luật"]),
            **_signature(decision.signer or "…", unit)}


register(DocumentKind(
    key="discipline-decision", label="Quyết định", abbreviation="QĐ",
    get_for_user=inspection_access.get_decision_for_user,
    context=_decision_context,
    issuing_unit=_decision_unit,
    may_issue=lambda user, decision: inspection_access.can_decide_discipline(user, decision.subject_unit),
    own_number=lambda decision: (decision.number, decision.decision_date),
    body_heading="QUYẾT ĐỊNH:",
    record_url=lambda decision: reverse("inspections:decision", args=[decision.pk]),
))


# -- Kết luận thanh tra, and the minutes of a public-service check --------------------------

def _finding_rows(inspection):
    return [[str(i), f.subject_person.full_name if f.subject_person else f.subject_unit.name,
             f"{f.violation_type.name}: {f.description}", f.get_severity_display()]
            for i, f in enumerate(inspection.findings.select_related("subject_person", "subject_unit",
                                                                     "violation_type").order_by("occurred_at", "pk"), 1)]


def _inspection_bases(inspection) -> list[str]:
    # The time limits applied name their article ("…84/2025/QH15, Điều 36 khoản 1: …"): the document cites the law.
    bases = [f"Căn cứ {limit['basis'].split(', Điều')[0]};" for limit in inspection_services.time_limits(inspection)]
    if inspection.decision_number:
        bases.append(f"Căn cứ Quyết định số {inspection.decision_number}"
                     + (f" ngày {dmy(inspection.decision_date)}" if inspection.decision_date else "")
                     + f" về việc {inspection.title[:1].lower()}{inspection.title[1:]};")
    bases += [f"Căn cứ {f.violation_type.legal_basis};" for f in inspection.findings.select_related("violation_type")]
    return _unique(bases)


def _conclusion_context(inspection) -> dict:
    body = [line.strip() for line in (inspection.conclusion_text or "").splitlines() if line.strip()] or ["…"]
    body.append("Các vi phạm đã được xác định như danh sách dưới đây.")
    body += [f"Kiến nghị: {r.content} (thời hạn {dmy(r.deadline)})." for r in inspection.recommendations.all()]
    return {"summary": f"Về việc {inspection.title[:1].lower()}{inspection.title[1:]}",
            "bases": _inspection_bases(inspection), "body": body, "rows": _finding_rows(inspection),
            "recipients": _unique([*(r.target_unit.name for r in inspection.recommendations.all()), "Lưu: VT, hồ sơ"]),
            **_signature(inspection.conclusion_signer or "…", inspection.issuing_unit)}


FINDING_TABLE = ("STT", "Đối tượng", "Nội dung vi phạm", "Mức độ")

register(DocumentKind(
    key="inspection-conclusion", label="Kết luận thanh tra", abbreviation="KL",
    get_for_user=inspection_access.get_inspection_for_user,
    context=_conclusion_context,
    issuing_unit=lambda inspection: inspection.issuing_unit,
    may_issue=lambda user, inspection: inspection_access.can_direct(user, inspection),
    own_number=lambda inspection: (inspection.conclusion_number, inspection.conclusion_date),
    table=FINDING_TABLE,
    record_url=lambda inspection: reverse("inspections:detail", args=[inspection.pk]),
))


def _roll_lines(inspection) -> list[str]:
    """The roll taken on site, per unit visited: the attendance as users write it, who was absent
    and why, and the check items not met (inspections.selectors.roll_minutes_data)."""
    from inspections.selectors import roll_minutes_data

    lines = []
    for unit in roll_minutes_data(inspection)["units"]:
        lines.append(f"Điểm danh tại {unit['unit']}: {unit['summary']['text']}.")
        absent = [f"{o['name']} ({o['reason'] or o['state_label'].lower()})" for o in unit["officials"]
                  if o["state"] in ("excused", "unexcused")]
        if absent:
            lines.append("Vắng mặt: " + "; ".join(absent) + ".")
        unmet = [c["item"] + (f" ({c['note']})" if c["note"] else "") for c in unit["checks"]
                 if c["outcome"] == "not_met"]
        if unmet:
            lines.append("Nội dung chưa đạt: " + "; ".join(unmet) + ".")
    return lines


def _check_minutes_context(inspection) -> dict:
    """Minutes of a public-service check (kiểm tra công vụ): what was seen on site. Law 84's time
    limits do not apply, so the bases are the decision and the breached rules only."""
    bases = [b for b in _inspection_bases(inspection) if "84/2025" not in b]
    held_on = inspection.starts_on or (_local(inspection.started_at).date() if inspection.started_at else None)
    body = [f"Hôm nay, ngày {dmy(held_on)}, đoàn kiểm tra do "
            f"{inspection.leader.full_name if inspection.leader else '…'} làm trưởng đoàn tiến hành kiểm tra công vụ "
            f"đột xuất: {inspection.title}.",
            f"Phạm vi, nội dung kiểm tra: {inspection.scope or '…'}",
            *_roll_lines(inspection),
            "Kết quả kiểm tra ghi nhận các trường hợp vi phạm như danh sách dưới đây.",
            "Biên bản được lập tại chỗ, đọc lại cho các bên cùng nghe và thống nhất ký tên."]
    return {"summary": inspection.title, "bases": bases, "body": body,
            "rows": _finding_rows(inspection), "recipients": ["Đơn vị được kiểm tra", "Lưu: hồ sơ kiểm tra"],
            "signer_authority": "TRƯỞNG ĐOÀN KIỂM TRA", "signer_title": "",
            "signer_name": inspection.leader.full_name if inspection.leader else "…"}


register(DocumentKind(
    key="service-check-minutes", label="Biên bản kiểm tra công vụ", abbreviation="BB",
    get_for_user=inspection_access.get_inspection_for_user,
    context=_check_minutes_context,
    issuing_unit=lambda inspection: inspection.issuing_unit,
    may_issue=lambda user, inspection: inspection_access.can_direct(user, inspection),
    table=FINDING_TABLE,
    record_url=lambda inspection: reverse("inspections:detail", args=[inspection.pk]),
))


# -- Emulation: the council's ballot-count minutes, the proposal (tờ trình) and the decision -----

def _session_unit(session):
    return session.period.unit


def _session_may_issue(user, session):
    from emulation import access as emulation_access

    return emulation_access.can_run(user, session.period)


def _get_session(user, pk):
    from emulation import access as emulation_access

    return emulation_access.get_session_for_user(user, pk)


def _title_bases(titles, on) -> list[str]:
    from emulation import rules as emulation_rules

    in_force = emulation_rules.title_rules_in_force(on)
    return _unique([f"Căn cứ {in_force[title].legal_basis};" for title in titles if title in in_force])


def _subject(item) -> tuple[str, str]:
    return (item.person.full_name if item.person_id else item.unit.name), item.unit.name


def _ballot_context(session) -> dict:
    """Ballot secrecy: the minutes carry the totals of each nomination, never who chose what."""
    results = list(session.results.select_related("nomination__person", "nomination__unit")
                   .order_by("nomination__title", "nomination_id"))
    members = session.members.count()
    present = session.members.filter(present=True).count()
    ballots = session.receipts.count()
    rows = []
    for index, result in enumerate(results, 1):
        name, unit = _subject(result.nomination)
        share = f"{100 * result.yes / result.members:.2f}".replace(".", ",") if result.members else "0"
        rows.append([str(index), f"{name} ({unit})", result.nomination.get_title_display(),
                     f"{result.yes}/{result.members} ({share}%)", str(result.no), str(result.not_voted),
                     "Đạt" if result.passed else "Không đạt"])
    body = [f"Hôm nay, ngày {dmy(session.held_on)}, {session.name} tiến hành kiểm phiếu bầu bằng hình thức bỏ phiếu kín.",
            f"Tổng số thành viên Hội đồng: {members}; có mặt: {present}; số phiếu thu về: {ballots}.",
            "Kết quả kiểm phiếu (tỷ lệ tán thành tính trên tổng số thành viên Hội đồng) như sau:"]
    bases = _unique([_council_basis(r.basis) for r in results]
                    + _title_bases({r.nomination.title for r in results}, session.held_on))
    chair = session.members.filter(role="chair").select_related("user").first()
    return {"summary": f"Kiểm phiếu {session.name}", "bases": bases, "body": body, "rows": rows,
            "recipients": ["Hội đồng Thi đua - Khen thưởng", "Lưu: hồ sơ khen thưởng"],
            "signer_authority": "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "signer_title": "CHỦ TỊCH HỘI ĐỒNG",
            "signer_name": chair.user.full_name if chair else "…"}


register(DocumentKind(
    key="ballot-minutes", label="Biên bản kiểm phiếu", abbreviation="BB",
    get_for_user=_get_session, context=_ballot_context, issuing_unit=_session_unit,
    may_issue=_session_may_issue,
    table=("STT", "Họ và tên (đơn vị)", "Danh hiệu", "Tán thành", "Không tán thành", "Không bỏ phiếu", "Kết quả"),
    record_url=lambda session: reverse("emulation:session", args=[session.pk]),
))


def _proposal_context(session) -> dict:
    nominations = list(session.nominations.select_related("person", "unit").order_by("title", "pk"))
    rows = [[str(i), _subject(n)[0], _subject(n)[1], n.get_title_display(), n.note]
            for i, n in enumerate(nominations, 1)]
    unit = session.period.unit
    return {"summary": f"Về việc đề nghị khen thưởng năm {session.period.year}",
            "bases": _title_bases({n.title for n in nominations}, session.held_on),
            "body": [f"{unit.name} kính trình xem xét, khen thưởng {len(nominations)} trường hợp "
                     "có thành tích theo danh sách dưới đây."],
            "rows": rows, "recipients": ["Hội đồng Thi đua - Khen thưởng", "Lưu: VT"],
            **_head_signature(unit)}


register(DocumentKind(
    key="commendation-proposal", label="Tờ trình", abbreviation="TTr",
    get_for_user=_get_session, context=_proposal_context, issuing_unit=_session_unit,
    may_issue=_session_may_issue,
    table=("STT", "Họ và tên", "Đơn vị", "Danh hiệu đề nghị", "Thành tích"),
    record_url=lambda session: reverse("emulation:session", args=[session.pk]),
))


def _decision_context(session) -> dict:
    awards = list(session.awards.filter(revoked_at__isnull=True).select_related("person", "unit")
                  .order_by("title", "pk"))
    rows = [[str(i), _subject(a)[0], _subject(a)[1], a.get_title_display()] for i, a in enumerate(awards, 1)]
    results = session.results.exclude(basis="")
    bases = _unique(_title_bases({a.title for a in awards}, session.decision_date or session.held_on)
                    + [_council_basis(r.basis) for r in results])
    bases.append(f"Căn cứ kết quả kiểm phiếu của {session.name} ngày {dmy(session.held_on)};")
    return {"summary": f"Về việc khen thưởng năm {session.period.year}", "bases": bases,
            "body": [f"Điều 1. Tặng danh hiệu thi đua cho {len(awards)} trường hợp có tên trong danh sách kèm theo.",
                     "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                     "Điều 3. Thủ trưởng các đơn vị và cá nhân có tên trong danh sách chịu trách nhiệm thi hành."],
            "rows": rows, "recipients": ["Như Điều 3", "Lưu: VT, hồ sơ khen thưởng"],
            **_head_signature(session.period.unit)}


register(DocumentKind(
    key="commendation-decision", label="Quyết định", abbreviation="QĐ",
    get_for_user=_get_session, context=_decision_context, issuing_unit=_session_unit,
    may_issue=_session_may_issue, body_heading="QUYẾT ĐỊNH:",
    own_number=lambda session: (session.decision_number, session.decision_date),
    table=("STT", "Họ và tên", "Đơn vị", "Danh hiệu"),
    record_url=lambda session: reverse("emulation:session", args=[session.pk]),
))


# -- Báo cáo tình hình thực hiện nhiệm vụ: the periodic task report of §1 --------------------------
# The report is not a record: it is made of a unit, a period and a cut-off date, so it is reached from
# the report page (documents.views.task_report_document), not by an id, and carries no register number
# here — the clerk registers the report as it is sent.

def _report_not_addressed_by_id(user, pk):
    from django.http import Http404

    raise Http404


def _report_unit(report):
    from accounts.models import Unit

    return Unit.objects.get(pk=report.unit_id)


def _rate(rate) -> str:
    return "—" if rate is None else f"{rate:.1f}".replace(".", ",")


def _signed(number) -> str:
    return (f"+{number}" if number > 0 else str(number)).replace(".", ",")


def _report_context(report) -> dict:
    from tasks.rules import OFFICIAL_STATUS_BASIS

    unit = _report_unit(report)
    window = f"từ ngày {dmy(report.period_start)} đến ngày {dmy(report.period_end)}"
    total = report.total
    body = [
        f"Thực hiện chế độ báo cáo định kỳ, {unit.name} báo cáo tình hình thực hiện nhiệm vụ được giao {window} "
        f"(số liệu tính đến ngày {dmy(report.cut_off_date)})"
        + (f", theo văn bản số {report.source_document}" if report.source_document else "") + " như sau:",
        f"1. Kết quả chung: tổng số {total.assigned} nhiệm vụ; hoàn thành đúng hạn {total.on_time} "
        f"(trong đó có gia hạn {total.on_time_extended}); hoàn thành trễ hạn {total.late}; chưa hoàn thành, "
        f"còn trong hạn {total.open_within}; quá hạn {total.open_overdue}; tỷ lệ đúng hạn {_rate(total.rate)}%.",
    ]
    if report.previous_start and total.delta:
        delta = total.delta
        body.append(f"So với kỳ trước (từ ngày {dmy(report.previous_start)} đến ngày {dmy(report.previous_end)}): "
                    f"tổng số {_signed(delta['assigned'])}, đúng hạn {_signed(delta['on_time'])}, "
                    f"quá hạn {_signed(delta['open_overdue'])}"
                    + (f", tỷ lệ đúng hạn {_signed(delta['rate'])} điểm %" if delta["rate"] is not None else "") + ".")
    body += [f"Trạng thái của nhiệm vụ được xác định theo {OFFICIAL_STATUS_BASIS}.",
             "2. Kết quả theo đơn vị:"]
    rows = [[str(number), row.name, str(row.assigned), str(row.on_time), str(row.on_time_extended), str(row.late),
             str(row.open_within), str(row.open_overdue), _rate(row.rate)]
            for number, row in enumerate(report.rows, start=1)]
    rows.append(["", "Tổng cộng", str(total.assigned), str(total.on_time), str(total.on_time_extended),
                 str(total.late), str(total.open_within), str(total.open_overdue), _rate(total.rate)])
    closing = [f"3. Nhiệm vụ quá hạn: {report.overdue_count}."]
    for number, item in enumerate(report.overdue, start=1):
        reasons = "; ".join(f"{dmy(_local(reason['at']))}: {reason['text']}" for reason in item.reasons)
        closing.append(
            f"{number}) {item.code} — {item.title}" + (f" ({item.source_number})" if item.source_number else "")
            + f"; chủ trì: {item.lead}, {item.unit}; hạn {dmy(_local(item.deadline))}"
            + (" (đã gia hạn)" if item.extended else "") + f", quá hạn {item.days_overdue} ngày"
            + (f". Lý do: {reasons}" if reasons else ". Chưa báo cáo lý do") + ".")
    if len(report.overdue) < report.overdue_count:
        closing.append(f"(Danh sách nêu {len(report.overdue)} nhiệm vụ có hạn sớm nhất.)")
    parent = type(unit).objects.get_parent(unit)
    return {"summary": f"Về tình hình thực hiện nhiệm vụ {window}", "bases": [], "body": body, "rows": rows,
            "closing": closing, "recipients": _unique([parent.name if parent else "", "Lưu: VT"]),
            **_head_signature(unit)}


TASK_REPORT = register(DocumentKind(
    key="task-report", label="Báo cáo", abbreviation="BC",
    get_for_user=_report_not_addressed_by_id, context=_report_context, issuing_unit=_report_unit,
    may_issue=lambda user, report: False, placeholders=("closing",),
    table=("STT", "Đơn vị", "Tổng số", "Đúng hạn", "Trong đó gia hạn", "Trễ hạn", "Chưa đến hạn", "Quá hạn",
           "Tỷ lệ đúng hạn (%)"),
    table_widths_mm=(13, 40, 15, 15, 17, 15, 17, 15, 18),
))
