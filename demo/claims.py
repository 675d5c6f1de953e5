"""Demo offline training claims: two officials of 省委网信办 have claimed training taken
elsewhere, so HR (王建国, who manages that unit) finds them waiting in 线下培训学时审核."""

import io
from datetime import timedelta
from decimal import Decimal

from reportlab.pdfgen import canvas

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.pdf.fonts import cjk_font
from people.models import OrgUnit, User
from records.models import OfflineClaim
from records.services.claims import claim_submit

# (training, organiser, days before today it ended, days it lasted, hours): the first is the
# demo official's (above the 8 hours that need the parent unit's approval too), the second
# another official's of the same unit.
CLAIMS = (
    ("全省网络安全宣传周专题培训", "省委网信办", 12, 2, Decimal("12")),
    ("政务新媒体运营实务讲座", "省政务服务管理局", 20, 1, Decimal("3")),
)


def demo_claims_load() -> int:
    """Submit the demo claims through the service, once; returns how many were created."""
    official = User.objects.filter(employee_id="official").select_related("org_unit").first()
    if official is None or official.org_unit is None:
        return 0
    # A demo official of the same parent unit, so that the same HR sees both claims.
    parent_path = official.org_unit.path[: -OrgUnit.steplen] or official.org_unit.path
    colleague = (
        User.objects.filter(employee_id__startswith="D", org_unit__path__startswith=parent_path)
        .order_by("employee_id")
        .first()
    )
    created = 0
    today = timezone.localdate()
    for user, (title, organiser, ended, days, hours) in zip((official, colleague), CLAIMS, strict=True):
        if user is None or OfflineClaim.objects.filter(user=user, title=title).exists():
            continue
        end = today - timedelta(days=ended)
        data = {
            "title": title,
            "organiser": organiser,
            "start_date": end - timedelta(days=days - 1),
            "end_date": end,
            "hours": hours,
        }
        claim_submit(user=user, data=data, evidence=_certificate(user, title))
        created += 1
    return created


def _certificate(user: User, title: str) -> SimpleUploadedFile:
    """A one-page PDF certificate of attendance, as a scanned one would be."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(cjk_font(), 16)
    page.drawString(72, 720, "培训结业证书")
    page.setFont(cjk_font(), 12)
    page.drawString(72, 690, f"{user.full_name} 同志参加“{title}”，完成全部学习内容，特发此证。")
    page.save()
    return SimpleUploadedFile("结业证书.pdf", buffer.getvalue(), content_type="application/pdf")
