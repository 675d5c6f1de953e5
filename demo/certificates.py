"""Demo certificate design (a seal drawn by the project) and the official's finished curriculum."""

import io
import math
from datetime import timedelta

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from django.core.files.images import ImageFile
from django.utils import timezone

from wagtail.images.models import Image

from certificates.models import Certificate, CertificateTemplate
from certificates.services import certificate_media_collection
from core.pdf.fonts import font_path
from courses import services as course_services
from courses.models import (
    Assignment,
    CourseIndexPage,
    CoursePage,
    CurriculumCourse,
    CurriculumPage,
    LessonPage,
)
from demo.courses import CURRICULUM_SLUG
from people.models import OrgUnit, User
from records.services import assignment_records_create

TEMPLATE_NAME = "新媒体专题班结业证书"
SEAL_TITLE = "演示公章（网络技能培训中心）"
SEAL_TEXT = "网络技能培训中心"
SEAL_RED = (200, 30, 40, 235)
SHORT_CURRICULUM_SLUG = "ganbu-wangluo-anquan"
SHORT_CURRICULUM_TITLE = "干部网络安全意识专题培训"
SECURITY_COURSE = "cyber-security-awareness"


def demo_certificates_load() -> None:
    """The designed template on both demo curricula; `official` completes the short one."""
    template = CertificateTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is None:
        template = CertificateTemplate.objects.create(
            name=TEMPLATE_NAME,
            title="结业证书",
            body="{姓名}同志（{单位}）于{日期}完成“{专题班}”规定的全部学习任务，"
            "共计{学时}学时，考核合格，特发此证。",
            issuer="网络技能培训中心",
            seal=_seal(),
            is_default=not CertificateTemplate.objects.filter(is_default=True).exists(),
        )
    CurriculumPage.objects.filter(certificate_template__isnull=True).update(certificate_template=template)
    curriculum = _short_curriculum(template)
    if curriculum is not None:
        _official_completes(curriculum)


def demo_certificates_delete() -> None:
    """For --reset: the certificates issued in the demo curricula (in real use never deleted: they
    protect their curriculum and holder), then the short curriculum."""
    curricula = CurriculumPage.objects.filter(slug__in=[CURRICULUM_SLUG, SHORT_CURRICULUM_SLUG])
    certificates = Certificate.objects.filter(curriculum__in=curricula)
    certificates.update(superseded_by=None)
    certificates.delete()
    for curriculum in curricula.filter(slug=SHORT_CURRICULUM_SLUG):
        Assignment.objects.filter(curriculum=curriculum).delete()
        curriculum.delete()


def _seal() -> Image:
    existing = Image.objects.filter(title=SEAL_TITLE).first()
    if existing is not None:
        if existing.collection_id != certificate_media_collection().pk:
            existing.collection = certificate_media_collection()
            existing.save(update_fields=["collection"])
        return existing
    size = 600
    canvas = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    centre = size / 2
    draw.ellipse([20, 20, size - 20, size - 20], outline=SEAL_RED, width=22)
    _star(draw, centre, centre, 95, SEAL_RED)
    path = font_path()
    if path is not None:
        font = ImageFont.truetype(str(path), 78)
        step = 200 / max(len(SEAL_TEXT) - 1, 1)
        for index, char in enumerate(SEAL_TEXT):
            angle = -100 + index * step  # degrees from the top, clockwise
            glyph = PILImage.new("RGBA", (100, 100), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((50, 50), char, font=font, fill=SEAL_RED, anchor="mm")
            glyph = glyph.rotate(-angle, resample=PILImage.BICUBIC)
            radius = centre - 100
            x = centre + radius * math.sin(math.radians(angle)) - 50
            y = centre - radius * math.cos(math.radians(angle)) - 50
            canvas.alpha_composite(glyph, (int(x), int(y)))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return Image.objects.create(
        collection=certificate_media_collection(),
        title=SEAL_TITLE,
        file=ImageFile(buffer, name="demo-seal.png"),
    )


def _star(draw, x, y, radius, fill):
    points = []
    for index in range(10):
        length = radius if index % 2 == 0 else radius * 0.4
        angle = math.radians(-90 + index * 36)
        points.append((x + length * math.cos(angle), y + length * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _short_curriculum(template) -> CurriculumPage | None:
    curriculum = CurriculumPage.objects.filter(slug=SHORT_CURRICULUM_SLUG).first()
    if curriculum is not None:
        return curriculum
    course = CoursePage.objects.filter(slug=SECURITY_COURSE).first()
    catalogue = CourseIndexPage.objects.first()
    if course is None or catalogue is None:
        return None
    curriculum = CurriculumPage(
        title=SHORT_CURRICULUM_TITLE,
        slug=SHORT_CURRICULUM_SLUG,
        description="<p>面向全体干部的网络安全意识入门培训：弱口令、钓鱼邮件、移动设备与涉密信息保护。</p>",
        certificate_template=template,
    )
    curriculum.curriculum_courses.add(CurriculumCourse(course=course, required=True, sort_order=0))
    catalogue.add_child(instance=curriculum)
    curriculum.save_revision().publish()
    unit = OrgUnit.objects.filter(code="WXB").first()
    if unit is not None:
        assignment = Assignment.objects.create(
            curriculum=curriculum, due_date=timezone.localdate() + timedelta(days=30)
        )
        assignment.units.set([unit])
        assignment_records_create(assignment=assignment)
    return curriculum


def _official_completes(curriculum: CurriculumPage) -> None:
    """Through the services, so the certificate is issued exactly as in real use."""
    user = User.objects.filter(employee_id="official").first()
    course = CoursePage.objects.filter(slug=SECURITY_COURSE).first()
    if user is None or course is None:
        return
    when = timezone.now() - timedelta(days=1)
    for offset, lesson in enumerate(LessonPage.objects.child_of(course).live().order_by("path")):
        progress = course_services.lesson_open(user=user, lesson=lesson, now=when + timedelta(minutes=offset))
        course_services.lesson_complete(progress=progress, now=when + timedelta(minutes=offset + 20))
