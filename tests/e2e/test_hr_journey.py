"""HR's journey in a real browser: filter to a unit, read the chart, download the records,
open a transcript, and import officials (a bad row first, then the fixed file); a new official
signs in with the activation code from HR's sheet and chooses a password."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from people.models import OrgUnit, User
from tests.records import OFFICIAL_HEADER, xlsx_file

from .conftest import DESKTOP
from .test_login_journey import DEMO_PASSWORD, site_login

pytestmark = pytest.mark.browser


@pytest.fixture
def upload_files(demo_data, tmp_path):
    bad = [
        OFFICIAL_HEADER,
        ["HR9001", "孙悦", "", "WXB-BGS", "科员", "", "", ""],
        ["HR9002", "周宁", "", "NOPE", "", "", "", ""],
    ]
    good = [row[:] for row in bad]
    good[2][3] = "WXB-YQC"
    paths = {}
    for name, rows in (("bad", bad), ("good", good)):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(xlsx_file(rows))
        paths[name] = str(path)
    paths["unit"] = OrgUnit.objects.get(code="WXB").pk
    return paths


def test_hr_filters_downloads_reads_a_transcript_and_imports(upload_files, new_page):
    page = new_page(DESKTOP)
    site_login(page, "hr", DEMO_PASSWORD)

    page.goto("/records/units/")
    expect(page.locator("svg.bar-chart")).to_be_visible()
    page.get_by_role("link", name="省委网信办").click()
    expect(page.locator("h1")).to_have_text("省委网信办")

    page.goto(f"/records/?unit={upload_files['unit']}")
    rows_on_screen = page.locator(".records-table tbody tr").count()
    assert rows_on_screen > 0
    csv_response = page.request.get(f"/records/records.csv?unit={upload_files['unit']}")
    lines = list(csv.reader(io.StringIO(csv_response.text().lstrip("\ufeff"))))
    assert lines[0][0] == "工号" and len(lines) - 1 == rows_on_screen
    assert all(line[2].startswith("省直属机关/省委网信办") for line in lines[1:])
    xlsx = page.request.get(f"/records/records.xlsx?unit={upload_files['unit']}")
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    assert sheet.max_row - 1 == rows_on_screen

    page.get_by_role("link", name="张晓明").first.click()
    expect(page.locator("h1")).to_contain_text("学习档案")
    pdf = page.request.get(page.get_by_role("link", name="下载 PDF").get_attribute("href"))
    assert pdf.body().startswith(b"%PDF")

    page.goto("/records/import/officials/")
    page.set_input_files("input[type=file]", upload_files["bad"])
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_role("alert")).to_contain_text("第 3 行")
    page.set_input_files("input[type=file]", upload_files["good"])
    page.get_by_role("button", name="检查文件").click()
    page.get_by_role("button", name="确认导入").click()
    # The import runs in the background; its page follows it to the end.
    expect(page.get_by_role("status")).to_contain_text("导入完成：新建 2 个账号", timeout=20_000)
    page.get_by_role("link", name="打开激活码单").click()
    expect(page.locator(".print-sheet")).to_contain_text(re.compile("HR9001.*孙悦", re.S))
    code = page.locator(".print-sheet tr", has_text="HR9001").locator("td.code").inner_text()
    assert User.objects.filter(employee_id__in=["HR9001", "HR9002"], must_change_password=True).count() == 2

    # The new official signs in with the code from the sheet and chooses a password.
    newcomer = new_page(DESKTOP)
    site_login(newcomer, "HR9001", code)
    expect(newcomer).to_have_url(re.compile("/accounts/password/set/"))
    newcomer.fill("#id_password1", "Cadre-Study-2027!")
    newcomer.fill("#id_password2", "Cadre-Study-2027!")
    newcomer.locator("main button[type=submit]").click()
    expect(newcomer.locator("h1")).to_contain_text("我的学习")
    assert not User.objects.get(employee_id="HR9001").activation_code_hash
