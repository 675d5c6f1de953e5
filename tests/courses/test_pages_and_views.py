import json
from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import LessonProgress
from tests.courses import factories
from tests.factories.people import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = UserFactory(official=True)
    client.force_login(user)
    return user


def heartbeat(client, lesson, payload="{}"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(reverse("lesson_heartbeat", args=[lesson.pk]), body, content_type="application/json")


def test_course_page_shows_each_lessons_state(client, learner):
    course = factories.course(title="网络发言人实务")
    first = factories.lesson(course, title="第一课 职责")
    factories.lesson(course, title="第二课 首发响应")
    services.lesson_complete(progress=services.lesson_open(user=learner, lesson=first))
    html = client.get(course.url).content.decode()
    assert "网络发言人实务" in html
    assert "syllabus__item--completed" in html
    assert "syllabus__item--not_started" in html
    assert 'aria-valuenow="50"' in html


def test_lesson_page_records_the_visit_and_links_neighbours(client, learner):
    course = factories.course()
    first = factories.lesson(course, title="第一课")
    second = factories.lesson(course, title="第二课")
    third = factories.lesson(course, title="第三课")
    html = client.get(second.url).content.decode()
    assert f'href="{first.url}"' in html and f'href="{third.url}"' in html
    assert LessonProgress.objects.filter(user=learner, lesson=second).exists()


def test_draft_lesson_is_invisible_to_officials(client, learner):
    course = factories.course()
    draft = factories.lesson(course, title="草稿课", publish=False)
    assert client.get(f"{course.url}{draft.slug}/").status_code == 404
    assert "草稿课" not in client.get(course.url).content.decode()
    assert heartbeat(client, draft).status_code == 404


def test_course_pages_need_a_login(client):
    course = factories.course()
    response = client.get(course.url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_heartbeat_rejects_malformed_requests_and_writes_nothing(client, learner):
    lesson = factories.lesson(factories.course())
    assert heartbeat(client, lesson, "not json").status_code == 400
    assert heartbeat(client, lesson, {"video_position": "far"}).status_code == 400
    assert heartbeat(client, lesson, {"video_position": -1}).status_code == 400
    assert heartbeat(client, lesson, "[1, 2]").status_code == 400
    assert not LessonProgress.objects.exists()
    assert client.get(reverse("lesson_heartbeat", args=[lesson.pk])).status_code == 405


def test_heartbeat_ignores_a_forged_time_increment(client, learner):
    lesson = factories.lesson(factories.course())
    heartbeat(client, lesson, {"active_seconds": 99999, "seconds": 99999})
    response = heartbeat(client, lesson, {"active_seconds": 99999})
    assert response.status_code == 200
    assert response.json()["active_seconds"] <= 15


def test_heartbeat_needs_a_login_and_csrf(client):
    lesson = factories.lesson(factories.course())
    assert heartbeat(client, lesson).status_code == 302
    user = UserFactory(official=True)
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert heartbeat(csrf_client, lesson).status_code == 403


def test_an_official_never_sees_anothers_progress(client, learner):
    other = UserFactory(official=True)
    course = factories.course()
    lesson = factories.lesson(course)
    services.lesson_complete(progress=services.lesson_open(user=other, lesson=lesson))
    html = client.get(course.url).content.decode()
    assert "syllabus__item--completed" not in html
    assert 'aria-valuenow="0"' in html


def test_learner_home_lists_assigned_curricula_with_deadlines(client, org_tree):
    user = UserFactory(official=True, org_unit=org_tree["a1"], position="科员")
    outsider = UserFactory(official=True, org_unit=org_tree["b1"])
    course = factories.course(title="舆情研判")
    factories.lesson(course)
    on_time = factories.curriculum([course], title="按时专题班")
    late = factories.curriculum([course], title="逾期专题班")
    for_chiefs = factories.curriculum([course], title="处长专题班")
    today = timezone.localdate()
    factories.assignment(on_time, units=[org_tree["a"]], due=today + timedelta(days=10))
    factories.assignment(late, units=[org_tree["province"]], due=today - timedelta(days=1))
    factories.assignment(for_chiefs, units=[org_tree["a"]], due=today, positions="处长,副处长")
    client.force_login(user)
    html = client.get(reverse("learner_home")).content.decode()
    assert "按时专题班" in html and "逾期专题班" in html
    assert "处长专题班" not in html
    assert "curriculum--overdue" in html
    client.force_login(outsider)
    html = client.get(reverse("learner_home")).content.decode()
    assert "按时专题班" not in html and "逾期专题班" in html


def test_learner_home_shows_hours_this_year_and_where_to_continue(client, learner, settings):
    settings.YEARLY_CREDIT_HOURS = 40
    course = factories.course(hours="4")
    done = factories.lesson(course, title="已学完")
    services.lesson_complete(progress=services.lesson_open(user=learner, lesson=done))
    other = factories.course(title="网络安全意识")
    factories.lesson(other, title="弱口令的危害")
    client.get(factories.lesson(other, title="钓鱼邮件识别").url)
    html = client.get(reverse("learner_home")).content.decode()
    assert "4 <span" in html and "/ 40" in html
    assert "钓鱼邮件识别" in html


def test_login_page_then_home_with_real_password(client):
    UserFactory(official=True, employee_id="XY0001")
    response = client.post(reverse("account_login"), {"login": "XY0001", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("learner_home")
