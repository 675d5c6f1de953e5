"""The project's catalogue comes first (LOCALE_PATHS), so a msgid it shares with Wagtail or
Django replaces their translation everywhere, the admin included. That is how 分页 once
labelled Wagtail's Pages menu and 学习中 a review in progress. A shared msgid must be a
deliberate override listed here; otherwise the project's string needs a context."""

from pathlib import Path

import polib

import django

import wagtail

from tests.translations import CATALOGUE

# msgid → our text, where ours is the better Chinese wherever the string appears.
DELIBERATE = {
    "description": "说明",
    "Text": "正文",
    "content": "正文",
    "active": "启用",
    "date joined": "创建时间",
    "Actions": "操作",
    "Not started": "未开始",
    "Filter": "筛选",
    "Number": "编号",
    "Breadcrumb": "当前位置",
    "Saving…": "正在保存…",
    "Email": "邮箱",
    "Download CSV": "下载 CSV",
    "Download XLSX": "下载 XLSX",
    "Previous": "上一页",
    "Next": "下一页",
    "Account": "账号",
}


def framework_translations() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in (wagtail, django):
        root = Path(package.__file__).parent
        for path in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
            for entry in polib.pofile(str(path)):
                if entry.msgstr and not entry.msgctxt:
                    found.setdefault(entry.msgid, set()).add(entry.msgstr)
    return found


def test_the_catalogue_overrides_wagtail_and_django_only_on_purpose():
    theirs = framework_translations()
    overrides = {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(str(CATALOGUE))
        if not entry.msgctxt
        and entry.msgstr
        and entry.msgid in theirs
        and entry.msgstr not in theirs[entry.msgid]
    }
    assert overrides == DELIBERATE
