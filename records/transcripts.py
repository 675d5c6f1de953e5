"""学习档案: an official's whole learning history, as data for the page and as a PDF."""

import io
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from django.db.models import Count, Max, Sum
from django.utils import timezone

from certificates.models import Certificate
from core.pdf.fonts import cjk_font
from core.pdf.safe import paragraph
from courses.models import CourseEnrollment, CreditHourEntry, CreditSource
from drills.selectors import drill_results
from people.models import User
from quizzes.models import Attempt, AttemptStatus


@dataclass
class Transcript:
    courses: list
    hours_by_year: list
    ledger: list
    quizzes: list
    drills: list
    certificates: list


def transcript_data(*, user: User) -> Transcript:
    """Six queries, whatever the history's length."""
    courses = list(
        CourseEnrollment.objects.filter(user=user).select_related("course").order_by("-enrolled_at")
    )
    hours = list(
        CreditHourEntry.objects.filter(user=user)
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("-year")
    )
    # Every credit with the rule that produced it; an offline one with its claim and evidence.
    ledger = list(
        CreditHourEntry.objects.filter(user=user)
        .select_related("course", "rule", "offline_claim")
        .order_by("-credited_at", "-pk")
    )
    # What each course credited (its hours and its exam's bonus), not what it is worth.
    credited: dict[int, Decimal] = {}
    for entry in ledger:
        if entry.course_id:
            credited[entry.course_id] = credited.get(entry.course_id, Decimal("0")) + entry.hours
    for enrollment in courses:
        enrollment.hours_credited = credited.get(enrollment.course_id)
    quizzes = list(
        Attempt.objects.filter(user=user, status=AttemptStatus.GRADED)
        .values("quiz__title")
        .annotate(best=Max("percent"), attempts=Count("pk"), last=Max("submitted_at"))
        .order_by("-last")
    )
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at"))
    return Transcript(
        courses=courses,
        hours_by_year=hours,
        ledger=ledger,
        quizzes=quizzes,
        drills=drill_results(user=user),
        certificates=certificates,
    )


def transcript_pdf(*, user: User) -> bytes:
    """A4 portrait with the embedded CJK font. Names, units, positions and titles are people's
    input: they reach the PDF only as escaped text (`paragraph`) or plain table cells."""
    font = cjk_font()
    data = transcript_data(user=user)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=font, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"学习档案 {user.full_name}", invariant=1,
    )  # fmt: skip
    unit = user.org_unit.path_name() if user.org_unit_id else ""
    story = [
        Paragraph("学习档案", title),
        paragraph(f"{user.full_name}（工号 {user.employee_id}）　{unit}　{user.position}", body),
        Paragraph(f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}", body),
        Paragraph("年度学时", heading),
        _table(font, ["年度", "学时"], [[row["year"], row["total"]] for row in data.hours_by_year]),
        Paragraph("学时明细", heading),
        _table(
            font,
            ["记入日期", "来源", "内容", "学时", "学时规则"],
            [
                [
                    _day(entry.credited_at),
                    SOURCE_NAMES[entry.source],
                    paragraph(_entry_subject(entry), body),
                    _hours(entry),
                    f"{entry.rule.effective_from:%Y-%m-%d} 起",
                ]
                for entry in data.ledger
            ],
        ),
        Paragraph("课程", heading),
        _table(
            font,
            ["课程", "计入学时", "开始", "完成"],
            [
                [
                    paragraph(enrollment.course.title, body),
                    "" if enrollment.hours_credited is None else f"{enrollment.hours_credited.normalize():f}",
                    _day(enrollment.enrolled_at),
                    _day(enrollment.completed_at) or "学习中",
                ]
                for enrollment in data.courses
            ],
        ),
        Paragraph("测验成绩", heading),
        _table(
            font,
            ["测验", "最高得分率", "作答次数"],
            [
                [paragraph(row["quiz__title"], body), f"{row['best']}%", row["attempts"]]
                for row in data.quizzes
            ],
        ),
        Paragraph("演练成绩", heading),
        _table(
            font,
            ["演练", "最高得分率", "评分次数", "结果"],
            [
                [
                    paragraph(row["scenario__title"], body),
                    f"{row['best']}%",
                    row["runs"],
                    "通过" if row["passed"] else "未通过",
                ]
                for row in data.drills
            ],
        ),
        Paragraph("证书", heading),
        _table(
            font,
            ["编号", "专题班", "学时", "发证日期", "状态"],
            [
                [
                    c.serial,
                    paragraph(c.curriculum_title, body),
                    c.credit_hours,
                    _day(c.issued_at),
                    c.get_status_display(),
                ]
                for c in data.certificates
            ],
        ),
        Spacer(1, 6 * mm),
    ]
    document.build(story)
    return buffer.getvalue()


# The transcript is a Chinese document whatever the reader's language, like its other labels.
SOURCE_NAMES = {
    CreditSource.COURSE: "完成课程",
    CreditSource.TEST_BONUS: "通过结业考试",
    CreditSource.OFFLINE: "线下培训",
}


def _entry_subject(entry) -> str:
    """What an entry credited: the course, or the offline training with its organiser, dates
    and evidence file."""
    if entry.course_id:
        return entry.course.title
    claim = getattr(entry, "offline_claim", None)
    if claim is None:
        return entry.title
    dates = f"{claim.start_date:%Y-%m-%d}至{claim.end_date:%Y-%m-%d}"
    return f"{claim.title}（{claim.organiser}，{dates}；凭证：{claim.evidence_name}）"


def _hours(entry) -> str:
    hours = f"{entry.hours.normalize():f}"
    if entry.hours_before_cap is not None and entry.hours_before_cap != entry.hours:
        return f"{hours}（每日上限，原 {entry.hours_before_cap.normalize():f}）"
    return hours


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def _table(font: str, headers: list[str], rows: list[list]) -> Table:
    table = Table([headers, *rows] if rows else [headers, ["—"] + [""] * (len(headers) - 1)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2e6e6")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#d0d7de")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
