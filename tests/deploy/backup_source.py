"""Builds the source site that tests/deploy/test_backup.py backs up: `python -m
tests.deploy.backup_source` migrates the database DATABASE_URL names, then adds people, a
published course with a video and a picture (files in MEDIA_ROOT) and an official's
certificate (a PDF in PRIVATE_ROOT), through the factories the other tests use."""

import io

import django


def source_build() -> None:
    from django.core.files.images import ImageFile
    from django.core.management import call_command

    from wagtail.images.models import Image

    from certificates.models import Certificate
    from certificates.services import certificate_pdf_ensure
    from courses import services as course_services
    from tests.courses import factories as course_factories
    from tests.factories.people import OrgUnitFactory, UserFactory

    call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
    province = OrgUnitFactory(name="省直属机关", code="PROV")
    unit = OrgUnitFactory(name="单位甲", code="A", parent=province)
    officials = [UserFactory(official=True, org_unit=unit, full_name=f"学员{n}") for n in range(3)]
    UserFactory(trainer=True, full_name="李文静")
    UserFactory(hr=True, full_name="王建国", managed_units=(province,))
    Image.objects.create(title="课程插图", file=ImageFile(io.BytesIO(_png()), name="插图.png"))
    course = course_factories.course(title="政务微博运营")
    lesson = course_factories.lesson(course, rule=course_factories.CompletionRule.VIDEO)
    course_factories.curriculum([course], title="新媒体专题班")
    course_services.lesson_complete(progress=course_services.lesson_open(user=officials[0], lesson=lesson))
    for certificate in Certificate.objects.all():
        certificate_pdf_ensure(certificate=certificate)


def _png() -> bytes:
    from PIL import Image as PillowImage

    output = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (180, 30, 30)).save(output, format="PNG")
    return output.getvalue()


if __name__ == "__main__":
    django.setup()
    source_build()
