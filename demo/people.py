"""Demo org tree and accounts. Every step looks up before it creates, so it can run again."""

from people import roles
from people.models import OrgUnit, User
from people.services import org_unit_create, user_create

DEMO_PASSWORD = "Training#2026"  # noqa: S105 - published in the README for the demo site only

# (code, name, children)
ORG_TREE = (
    (
        "PROV",
        "省直属机关",
        (
            (
                "ZZB",
                "省委组织部",
                (
                    ("ZZB-GJC", "干部教育处", ()),
                    ("ZZB-BGS", "办公室", ()),
                ),
            ),
            (
                "WXB",
                "省委网信办",
                (
                    ("WXB-BGS", "办公室", ()),
                    ("WXB-YQC", "网络舆情处", ()),
                    ("WXB-AQC", "网络安全协调处", ()),
                ),
            ),
            (
                "ZWFW",
                "省政务服务管理局",
                (
                    ("ZWFW-BGS", "办公室", ()),
                    ("ZWFW-DZZW", "电子政务处", ()),
                    ("ZWFW-SJC", "数据资源处", ()),
                ),
            ),
            (
                "GAT",
                "省公安厅",
                (
                    ("GAT-XCC", "新闻宣传处", ()),
                    ("GAT-WAZD", "网络安全保卫总队", ()),
                ),
            ),
        ),
    ),
    (
        "CITY",
        "示范市",
        (
            (
                "CITY-XCB",
                "市委宣传部",
                (
                    ("CITY-XCB-XWK", "新闻科", ()),
                    ("CITY-XCB-WXK", "网信科", ()),
                ),
            ),
            ("CITY-RMZF", "市人民政府办公室", (("CITY-RMZF-ZWGK", "政务公开科", ()),)),
        ),
    ),
)

# (employee_id, full name, unit code, position, rank, email, roles, managed unit codes, superuser)
NAMED_ACCOUNTS = (
    (
        "official",
        "张晓明",
        "WXB-YQC",
        "科员",
        "一级科员",
        "official@example.com",
        (roles.OFFICIAL,),
        (),
        False,
    ),
    (
        "trainer",
        "李文静",
        "ZZB-GJC",
        "副处长",
        "二级调研员",
        "trainer@example.com",
        (roles.TRAINER,),
        (),
        False,
    ),
    (
        "reviewer",
        "陈立华",
        "ZZB-GJC",
        "处长",
        "一级调研员",
        "reviewer@example.com",
        (roles.TRAINER, roles.REVIEWER),
        (),
        False,
    ),
    (
        "hr",
        "王建国",
        "ZZB-BGS",
        "主任科员",
        "四级主任科员",
        "hr@example.com",
        (roles.HR,),
        ("WXB", "ZWFW"),
        False,
    ),
    (
        "admin",
        "赵敏",
        "ZZB-BGS",
        "系统管理员",
        "",
        "admin@example.com",
        (roles.SITE_ADMIN,),
        (),
        False,
    ),
    (
        "security",
        "孙立新",
        "WXB-AQC",
        "安全管理员",
        "",
        "security@example.com",
        (roles.SECURITY_ADMIN,),
        (),
        False,
    ),
    (
        "auditor",
        "周慧",
        "ZZB-BGS",
        "审计管理员",
        "",
        "auditor@example.com",
        (roles.AUDITOR,),
        (),
        False,
    ),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "雪梅",
)
POSITIONS = (
    ("科员", "一级科员"),
    ("科员", "二级科员"),
    ("副主任科员", "四级主任科员"),
    ("主任科员", "三级主任科员"),
    ("副科长", "二级主任科员"),
    ("科长", "一级主任科员"),
    ("副处长", "二级调研员"),
    ("处长", "一级调研员"),
)
DEMO_OFFICIAL_COUNT = 50


def demo_people_load() -> dict[str, int]:
    """Build the org tree, the named accounts and the demo officials; return counts."""
    roles.roles_ensure()
    units = {}
    created_units = _load_units(ORG_TREE, parent=None, units=units)
    created_users = 0
    for (
        employee_id,
        name,
        unit_code,
        position,
        rank,
        email,
        account_roles,
        managed,
        superuser,
    ) in NAMED_ACCOUNTS:
        created_users += _ensure_user(
            employee_id=employee_id,
            full_name=name,
            org_unit=units[unit_code],
            position=position,
            rank=rank,
            email=email,
            roles=account_roles,
            managed_units=tuple(units[code] for code in managed),
            is_superuser=superuser,
        )
    leaf_units = [unit for unit in units.values() if unit.is_leaf()]
    for number in range(1, DEMO_OFFICIAL_COUNT + 1):
        position, rank = POSITIONS[number % len(POSITIONS)]
        created_users += _ensure_user(
            employee_id=f"D{number:04d}",
            full_name=SURNAMES[number % len(SURNAMES)] + GIVEN_NAMES[(number * 7) % len(GIVEN_NAMES)],
            org_unit=leaf_units[number % len(leaf_units)],
            position=position,
            rank=rank,
            email=f"d{number:04d}@example.com",
            roles=(roles.OFFICIAL,),
        )
    return {"units": created_units, "users": created_users}


def demo_people_delete() -> None:
    """Remove the demo accounts and units (for --reset)."""
    demo_ids = [account[0] for account in NAMED_ACCOUNTS] + [
        f"D{number:04d}" for number in range(1, DEMO_OFFICIAL_COUNT + 1)
    ]
    User.objects.filter(employee_id__in=demo_ids).delete()
    for code, _name, _children in ORG_TREE:
        root = OrgUnit.objects.filter(code=code).first()
        if root is not None and not User.objects.filter(org_unit__path__startswith=root.path).exists():
            root.delete()


def _load_units(tree, *, parent, units) -> int:
    created = 0
    for code, name, children in tree:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            unit = org_unit_create(name=name, code=code, parent=parent)
            created += 1
        units[code] = unit
        created += _load_units(children, parent=unit, units=units)
    return created


def _ensure_user(*, employee_id, **fields) -> int:
    if User.objects.filter(employee_id=employee_id).exists():
        return 0
    user_create(employee_id=employee_id, password=DEMO_PASSWORD, **fields)
    return 1
