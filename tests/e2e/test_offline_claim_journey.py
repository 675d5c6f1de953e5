"""An offline training claim in real browsers: the official claims 12 hours with a PDF
certificate; HR of the official's section approves and sends it up (over the 8-hour threshold);
HR of the parent unit opens the evidence and approves; the hours are on the official's home page
and in the transcript PDF HR downloads."""

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from django.utils import timezone

from people import roles
from people.models import OrgUnit, User
from tests.factories.people import PASSWORD, UserFactory

from .conftest import DESKTOP, PHONE
from .test_login_journey import DEMO_PASSWORD, site_login

pytestmark = pytest.mark.browser
TITLE = "全省政务新媒体运营培训班"


@pytest.fixture
def certificate_pdf(demo_data, tmp_path):
    path = tmp_path / "结业证书.pdf"
    document = canvas.Canvas(str(path))
    document.drawString(72, 720, "Certificate of completion")
    document.save()
    # HR of the official's own section (the demo HR manages its parent unit, 省委网信办).
    UserFactory(
        employee_id="hr-yqc",
        full_name="周敏",
        roles=(roles.HR,),
        org_unit=OrgUnit.objects.get(code="WXB-BGS"),
        managed_units=(OrgUnit.objects.get(code="WXB-YQC"),),
    )
    return str(path)


def hours_this_year(page) -> float:
    return float(page.locator(".summary-hours .big-number").inner_text().split()[0])


def test_an_offline_claim_goes_from_submission_through_two_approvals_to_the_transcript(
    certificate_pdf, new_page
):
    official = new_page(PHONE)
    site_login(official, "official", DEMO_PASSWORD)
    hours_before = hours_this_year(official)
    official.get_by_role("link", name="登记线下培训学时").click()
    expect(official.locator("h1")).to_have_text("线下培训")
    official.get_by_label("培训名称").fill(TITLE)
    official.get_by_label("主办单位").fill("省委网信办")
    today = timezone.localdate()
    official.get_by_label("开始日期").fill(today.isoformat())
    official.get_by_label("结束日期").fill((today - timedelta(days=1)).isoformat())
    official.get_by_label("登记学时").fill("12")
    official.get_by_label("证明材料").set_input_files(certificate_pdf)
    official.get_by_role("button", name="提交审核").click()
    # Impossible dates: a clear message, and the form keeps what was typed except the file.
    expect(official.locator(".field__error")).to_contain_text("结束日期不能早于开始日期")
    official.get_by_label("结束日期").fill(today.isoformat())  # a one-day training, this year
    official.get_by_label("证明材料").set_input_files(certificate_pdf)
    official.get_by_role("button", name="提交审核").click()
    expect(official.locator(".messages")).to_contain_text("已提交本单位组织人事部门审核")
    expect(official.locator(".claim-row", has_text=TITLE)).to_contain_text("待本单位审核")

    section_hr = new_page(DESKTOP)
    site_login(section_hr, "hr-yqc", PASSWORD)
    section_hr.goto("/records/")
    section_hr.get_by_role("link", name=re.compile("项线下培训学时登记待您审核")).click()
    section_hr.get_by_role("link", name=TITLE).click()
    expect(section_hr.locator(".facts")).to_contain_text("本单位审核后，再由上级单位审核")
    section_hr.get_by_role("button", name="通过并报上级单位审核").click()
    expect(section_hr.locator(".messages")).to_contain_text("待上级单位组织人事部门审核")

    parent_hr = new_page(DESKTOP)
    site_login(parent_hr, "hr", DEMO_PASSWORD)
    parent_hr.goto("/records/claims/")
    parent_hr.get_by_role("link", name=TITLE).click()
    evidence = parent_hr.get_by_role("link", name="结业证书.pdf")
    response = parent_hr.request.get(evidence.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    expect(parent_hr.locator(".facts")).to_contain_text("本单位已通过（周敏")
    parent_hr.get_by_role("button", name="通过并计入学时").click()
    expect(parent_hr.locator(".messages")).to_contain_text("学时已计入")

    official.goto("/offline-training/")
    expect(official.locator(".claim-row", has_text=TITLE)).to_contain_text("已通过")
    official.goto("/")
    assert hours_this_year(official) == hours_before + 12

    official_id = User.objects.get(employee_id="official").pk
    parent_hr.goto(f"/records/officials/{official_id}/")
    expect(parent_hr.locator("main")).to_contain_text(TITLE)
    pdf = parent_hr.request.get(f"/records/officials/{official_id}/transcript.pdf").body()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "线下培训" in text and TITLE in text and "结业证书.pdf" in text
