"""One deadline: the official's own (their assignment's, else the curriculum's) is the one the
home page and the curriculum page show; the curriculum page shows their progress, the hours
its courses credited them and their certificate. What was seen: the home page showed the
assignment's deadline (2026-12-30), the curriculum page the curriculum's own (2027-01-29), and
no personal progress or certificate link."""

from datetime import date, timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses import services
from courses.models import CurriculumCourse
from tests.courses import factories
from tests.factories.people import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db
ASSIGNED_DUE = date(2026, 12, 30)
CURRICULUM_DEADLINE = date(2027, 1, 29)


@pytest.fixture
def setting():
    unit = OrgUnitFactory()
    official = UserFactory(official=True, org_unit=unit)
    course = factories.course(hours="3")
    lesson = factories.lesson(course, min_seconds=30)
    curriculum = factories.curriculum([course], deadline=CURRICULUM_DEADLINE)
    factories.assignment(curriculum, units=[unit], due=ASSIGNED_DUE)
    return {"official": official, "course": course, "lesson": lesson, "curriculum": curriculum}


def test_home_and_curriculum_page_show_the_officials_own_deadline(client, setting):
    client.force_login(setting["official"])
    home = client.get(reverse("learner_home")).content.decode()
    page = client.get(setting["curriculum"].url).content.decode()
    for html in (home, page):
        assert "2026-12-30" in html and "2027-01-29" not in html


def test_without_an_assignment_the_curriculum_deadline_is_shown(client, setting):
    client.force_login(UserFactory(official=True))
    page = client.get(setting["curriculum"].url).content.decode()
    assert "2027-01-29" in page


def test_the_curriculum_page_shows_progress_hours_and_the_certificate(client, setting):
    official = setting["official"]
    client.force_login(official)
    page = client.get(setting["curriculum"].url).content.decode()
    assert "本专题班已获学时：0" in page and "下载证书" not in page
    start = timezone.now() - timedelta(minutes=5)
    for second in (0, 15, 30):
        services.progress_heartbeat(
            user=official, lesson=setting["lesson"], now=start + timedelta(seconds=second)
        )
    assert Certificate.objects.filter(user=official).exists()
    page = client.get(setting["curriculum"].url).content.decode()
    assert "本专题班已获学时：3" in page
    certificate = Certificate.objects.get(user=official)
    assert reverse("certificate_download", args=[certificate.pk]) in page


def test_home_offers_the_next_lesson_once_every_lesson_seen_is_done(client, setting):
    """What was seen: the 继续上次的学习 card disappeared after a course."""
    official = setting["official"]
    second = factories.course(title="第二门课")
    next_lesson = factories.lesson(second, title="第二门课 第一课")
    curriculum = setting["curriculum"]
    CurriculumCourse.objects.create(curriculum=curriculum, course=second, required=True, sort_order=1)
    start = timezone.now() - timedelta(minutes=5)
    for offset in (0, 15, 30):
        services.progress_heartbeat(
            user=official, lesson=setting["lesson"], now=start + timedelta(seconds=offset)
        )
    client.force_login(official)
    home = client.get(reverse("learner_home")).content.decode()
    assert "接下来学习" in home and next_lesson.title in home


def test_a_course_says_its_credit_hours_and_its_number_of_lessons_apart(client, setting):
    """What was seen: "3 学时 · 3 课时", two units that read alike."""
    client.force_login(setting["official"])
    html = client.get(setting["course"].url).content.decode()
    assert "3 学时 · 共 1 节课" in html
