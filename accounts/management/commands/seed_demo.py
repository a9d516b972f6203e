"""`manage.py seed_demo`: a realistic demo province after the 2025 reform (two tiers:
province and communes). Deterministic and idempotent: re-running it adds nothing twice.
"""

import random
from base64 import b32encode
from datetime import date
from importlib import import_module

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.utils import bulk_create_with_history

from accounts.models import Organisation, Role, RoleAssignment, StaffGroup, Unit, UnitKind, User
from accounts.two_factor import DEVICE_NAME, second_factor_required

DEMO_PASSWORD = "KyCuong@2026"
# The demo logins whose roles require two-step sign-in share this authenticator key, printed
# below, so that a visitor can add it to any authenticator app once. Demo only.
DEMO_TOTP_KEY = b"KyCuong-demo-2026-2f".hex()

DEPARTMENTS = [
    ("SNV", "Sở Nội vụ", ["Văn phòng Sở", "Phòng Tổ chức – Biên chế", "Ban Thi đua – Khen thưởng"]),
    ("STC", "Sở Tài chính", ["Văn phòng Sở", "Phòng Quản lý ngân sách", "Phòng Đầu tư"]),
    ("STP", "Sở Tư pháp", ["Văn phòng Sở", "Phòng Xây dựng và Kiểm tra văn bản"]),
    ("SXD", "Sở Xây dựng", ["Văn phòng Sở", "Phòng Quy hoạch – Kiến trúc", "Phòng Hạ tầng kỹ thuật"]),
    ("SCT", "Sở Công Thương", ["Văn phòng Sở", "Phòng Quản lý thương mại"]),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", ["Văn phòng Sở", "Chi cục Thủy lợi", "Phòng Quản lý đất đai"]),
    ("SGDDT", "Sở Giáo dục và Đào tạo", ["Văn phòng Sở", "Phòng Giáo dục phổ thông"]),
    ("SYT", "Sở Y tế", ["Văn phòng Sở", "Phòng Nghiệp vụ Y"]),
    ("SKHCN", "Sở Khoa học và Công nghệ", ["Văn phòng Sở", "Phòng Chuyển đổi số"]),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ["Văn phòng Sở", "Phòng Quản lý văn hóa"]),
]
COMMUNES = [
    "Phường Buôn Ma Thuột", "Phường Tân An", "Phường Tân Lập", "Phường Thành Nhất", "Phường Ea Kao",
    "Xã Hòa Phú", "Xã Ea Kar", "Xã Krông Pắc", "Xã Cư M'gar", "Xã Ea Súp", "Xã Buôn Đôn", "Xã Krông Búk",
    "Xã Ea H'leo", "Xã Liên Sơn Lắk", "Xã Krông Bông", "Xã M'Drắk", "Xã Krông Năng", "Xã Cư Kuin",
    "Xã Krông Ana", "Xã Ea Drông", "Phường Tuy Hòa", "Phường Sông Cầu", "Phường Đông Hòa", "Xã Tây Hòa",
    "Xã Phú Hòa", "Xã Sơn Hòa", "Xã Sông Hinh", "Xã Đồng Xuân", "Xã Tuy An", "Xã Ô Loan",
]
COMMUNE_UNITS = [
    ("VP", "Văn phòng HĐND và UBND", UnitKind.OFFICE),
    ("KT", "Phòng Kinh tế", UnitKind.DIVISION),
    ("VHXH", "Phòng Văn hóa – Xã hội", UnitKind.DIVISION),
    ("HCC", "Trung tâm Phục vụ hành chính công", UnitKind.PUBLIC_SERVICE_UNIT),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Công", "Thành"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Hồng", "Phương"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Đạt"]
GIVEN_FEMALE = ["Anh", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Tâm", "Thảo", "Trang", "Vân", "Yến", "Ngân"]

# Demo logins: username -> (full name, unit code, position, role, role unit code, superuser)
DEMO_LOGINS = {
    "admin": ("Trần Quốc Hưng", "VPUB-HCTC", "Chuyên viên quản trị hệ thống", Role.ADMIN, "UBND", True),
    "chutich": ("Nguyễn Văn An", "UBND", "Chủ tịch UBND tỉnh", Role.HEAD, "UBND", False),
    "giamdoc.snv": ("Lê Thị Hồng Nhung", "SNV", "Giám đốc Sở Nội vụ", Role.HEAD, "SNV", False),
    "chutich.bmt": ("Phạm Đức Thắng", "X01", "Chủ tịch UBND phường Buôn Ma Thuột", Role.HEAD, "X01", False),
    "thanhtra": ("Võ Minh Quân", "TT", "Thanh tra viên chính", Role.INSPECTOR, "UBND", False),
    "hoidong": ("Đặng Thu Hà", "SNV-3", "Ủy viên Hội đồng Thi đua – Khen thưởng", Role.COUNCIL_MEMBER, "UBND", False),
    "thuky": ("Bùi Ngọc Lan", "SNV-3", "Thư ký Hội đồng Thi đua – Khen thưởng", Role.COUNCIL_SECRETARY, "UBND", False),
    "canbo": ("Hồ Thanh Tâm", "SNV-2", "Chuyên viên", Role.STAFF, "SNV-2", False),
}


class Command(BaseCommand):
    help = "Create (or complete) the demo province with units, officials, roles and demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(2025)
        org, _ = Organisation.objects.get_or_create(code="DLK", defaults={"name": "Tỉnh Đắk Lắk"})
        units = {u.code: u for u in Unit.objects.filter(organisation=org)}
        created_units = 0

        def unit(code, name, kind, parent_code=None):
            nonlocal created_units
            if code not in units:
                fields = {"organisation": org, "code": code, "name": name, "kind": kind}
                units[code] = Unit.objects.add_child(units[parent_code], fields) if parent_code else Unit.objects.add_root(fields)
                created_units += 1
            return units[code]

        unit("UBND", "Ủy ban nhân dân tỉnh Đắk Lắk", UnitKind.PEOPLES_COMMITTEE)
        unit("VPUB", "Văn phòng UBND tỉnh", UnitKind.OFFICE, "UBND")
        for i, name in enumerate(["Phòng Tổng hợp", "Phòng Hành chính – Tổ chức", "Phòng Kiểm soát thủ tục hành chính"], 1):
            unit(f"VPUB-{['TH', 'HCTC', 'KSTT'][i - 1]}", name, UnitKind.DIVISION, "VPUB")
        unit("TT", "Thanh tra tỉnh", UnitKind.INSPECTORATE, "UBND")
        unit("TT-1", "Phòng Nghiệp vụ 1", UnitKind.DIVISION, "TT")
        unit("TT-2", "Phòng Nghiệp vụ 2", UnitKind.DIVISION, "TT")
        for code, name, divisions in DEPARTMENTS:
            unit(code, name, UnitKind.DEPARTMENT, "UBND")
            for i, division in enumerate(divisions, 1):
                unit(f"{code}-{i}", division, UnitKind.DIVISION, code)
        for i, name in enumerate(COMMUNES, 1):
            code = f"X{i:02d}"
            unit(code, f"UBND {name[0].lower()}{name[1:]}", UnitKind.COMMUNE, "UBND")
            for suffix, unit_name, kind in COMMUNE_UNITS:
                unit(f"{code}-{suffix}", unit_name, kind, code)
        # The Party tree stands beside the State tree in the same organisation.
        unit("TU", "Tỉnh ủy Đắk Lắk", UnitKind.PARTY_COMMITTEE)
        unit("TU-UBKT", "Ủy ban Kiểm tra Tỉnh ủy", UnitKind.PARTY_INSPECTION, "TU")
        unit("TU-VP", "Văn phòng Tỉnh ủy", UnitKind.OFFICE, "TU")

        password = make_password(DEMO_PASSWORD)  # hashed once: 300 hashes would take minutes
        existing_codes = set(User.objects.values_list("employee_code", flat=True))
        existing_usernames = set(User.objects.values_list("username", flat=True))
        new_people: list[User] = []
        planned_roles: list[tuple[str, str, str]] = []  # (employee code, role, unit code)

        def person(code, unit_code, position, *, leader=False, username=None, full_name=None, group=StaffGroup.CIVIL_SERVANT):
            female = rng.random() < 0.45
            name = full_name or " ".join([
                rng.choice(SURNAMES),
                rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
            ])
            start = date(rng.randint(1995, 2023), rng.randint(1, 12), 1)
            party = leader or rng.random() < 0.55
            username = username or code.lower()
            if code in existing_codes or username in existing_usernames:
                return
            new_people.append(User(
                username=username, employee_code=code, full_name=name, unit=units[unit_code], position=position,
                staff_group=group, is_leader=leader, is_party_member=party, service_start_date=start,
                email=f"{username}@daklak.example.gov.vn", password=password,
            ))
            existing_codes.add(code)
            existing_usernames.add(username)

        for username, (full_name, unit_code, position, role, role_unit, _superuser) in DEMO_LOGINS.items():
            person(f"DEMO-{username.upper()}", unit_code, position, leader=role == Role.HEAD, username=username,
                   full_name=full_name, group=StaffGroup.CADRE if role == Role.HEAD and unit_code in ("UBND", "X01") else StaffGroup.CIVIL_SERVANT)
            planned_roles.append((f"DEMO-{username.upper()}", role, role_unit))

        serial = 0

        def next_code():
            nonlocal serial
            serial += 1
            return f"CB{serial:04d}"

        for code in ["UBND"]:
            for position in ["Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh"]:
                c = next_code(); person(c, code, position, leader=True, group=StaffGroup.CADRE); planned_roles.append((c, Role.DEPUTY, code))
        for parent in ["VPUB", "TT"] + [d[0] for d in DEPARTMENTS]:
            c = next_code()
            if parent != "SNV":
                person(c, parent, "Giám đốc" if parent.startswith("S") else "Chánh Văn phòng" if parent == "VPUB" else "Chánh Thanh tra", leader=True)
                planned_roles.append((c, Role.HEAD, parent))
            c = next_code(); person(c, parent, "Phó Giám đốc" if parent.startswith("S") else "Phó Chánh", leader=True); planned_roles.append((c, Role.DEPUTY, parent))
            children = [code for code in units if code.startswith(parent + "-")]
            for child in children:
                c = next_code(); person(c, child, "Trưởng phòng", leader=True); planned_roles.append((c, Role.HEAD, child))
                for _ in range(rng.randint(2, 4)):
                    c = next_code(); person(c, child, rng.choice(["Chuyên viên", "Chuyên viên chính", "Cán sự"]))
                    planned_roles.append((c, Role.STAFF, child))
        for c_unit in ["TT-1", "TT-2"]:
            for _ in range(2):
                c = next_code(); person(c, c_unit, "Thanh tra viên"); planned_roles.append((c, Role.INSPECTOR, "UBND"))
        for i in range(1, len(COMMUNES) + 1):
            commune = f"X{i:02d}"
            if commune != "X01":
                c = next_code(); person(c, commune, "Chủ tịch UBND", leader=True, group=StaffGroup.CADRE); planned_roles.append((c, Role.HEAD, commune))
            c = next_code(); person(c, commune, "Phó Chủ tịch UBND", leader=True, group=StaffGroup.CADRE); planned_roles.append((c, Role.DEPUTY, commune))
            for suffix, _name, kind in COMMUNE_UNITS:
                c = next_code()
                group = StaffGroup.PUBLIC_EMPLOYEE if kind == UnitKind.PUBLIC_SERVICE_UNIT else StaffGroup.CIVIL_SERVANT
                person(c, f"{commune}-{suffix}", "Công chức" if group == StaffGroup.CIVIL_SERVANT else "Viên chức", group=group)
                planned_roles.append((c, Role.STAFF, f"{commune}-{suffix}"))
        for code, position, role in [("TU", "Bí thư Tỉnh ủy", Role.HEAD), ("TU-UBKT", "Chủ nhiệm UBKT Tỉnh ủy", Role.HEAD), ("TU-VP", "Chánh Văn phòng Tỉnh ủy", Role.HEAD)]:
            c = next_code(); person(c, code, position, leader=True, group=StaffGroup.CADRE); planned_roles.append((c, role, code))

        for new in new_people:
            new.refresh_search_text()
        bulk_create_with_history(new_people, User, batch_size=500)
        User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)

        people = dict(User.objects.filter(employee_code__in=[c for c, _r, _u in planned_roles]).values_list("employee_code", "pk"))
        held = set(RoleAssignment.objects.values_list("user_id", "role", "unit_id"))
        new_roles = []
        for code, role, unit_code in planned_roles:
            key = (people[code], role, units[unit_code].pk)
            if key not in held:
                held.add(key)
                new_roles.append(RoleAssignment(user_id=key[0], role=role, unit_id=key[2], valid_from=date(2025, 7, 1)))
        bulk_create_with_history(new_roles, RoleAssignment)

        for user in User.objects.filter(username__in=DEMO_LOGINS):
            if second_factor_required(user):
                TOTPDevice.objects.get_or_create(user=user, defaults={"name": DEVICE_NAME, "key": DEMO_TOTP_KEY, "confirmed": True})

        # Apps built on accounts add their own demo data through `<app>/demo.py: seed(org) -> int`;
        # accounts never imports them (data flows accounts ← tasks ← …).
        extra = {}
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "demo"):
                extra[config.label] = import_module(f"{config.name}.demo").seed(org)

        self.stdout.write(self.style.SUCCESS(
            f"Demo province “{org.name}”: {Unit.objects.filter(organisation=org).count()} units "
            f"({created_units} new), {User.objects.filter(unit__organisation=org).count()} officials "
            f"({len(new_people)} new), {len(new_roles)} new role assignments"
            + "".join(f", {count} new demo {label}" for label, count in extra.items()) + "."
        ))
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for username, (full_name, _unit, position, role, _role_unit, _s) in DEMO_LOGINS.items():
            self.stdout.write(f"  {username:14} {full_name} — {position} [{Role(role).label}]")
        secret = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            f"Two-step sign-in (admin, thanhtra, hoidong, thuky): add the key {secret} to an authenticator "
            f"app, or print the current code with: oathtool --totp -b {secret}"
        )
