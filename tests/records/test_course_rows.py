"""HR's records per course: with a course chosen, each row is an official's standing in that
course (within each assigned curriculum listing it), on screen and in both downloads."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses import services as course_services
from quizzes import services as quiz_services
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


def pass_exam(user, exam):
    attempt = quiz_services.attempt_start(user=user, quiz=exam)
    for item in attempt.questions.all():
        quiz_services.attempt_answer_save(
            attempt=attempt, question_id=item.question_id, response=item.correct
        )
    return quiz_services.attempt_submit(attempt=attempt)


@pytest.fixture
def setup(org_tree):
    weibo = course_factories.course(title="政务微博运营", hours="2")
    lessons = [course_factories.lesson(weibo, title=f"第{n}课") for n in (1, 2)]
    exam = quiz_factories.quiz(course=weibo, questions=[quiz_factories.question(quiz_factories.bank())])
    video = course_factories.course(title="短视频制作", hours="3")
    course_factories.lesson(video)
    new_media = course_factories.curriculum([weibo, video], title="新媒体专题班")
    video_only = course_factories.curriculum([video], title="短视频专题班")
    done, studying, idle = (
        UserFactory(official=True, org_unit=org_tree["a1"], full_name=name, position="科员")
        for name in ("甲完成", "甲在学", "甲未学")
    )
    elsewhere = UserFactory(official=True, org_unit=org_tree["b1"], full_name="乙完成", position="科员")
    video_learner = UserFactory(official=True, org_unit=org_tree["a1"], full_name="甲只学视频")
    due = timezone.localdate() + timedelta(days=30)
    assignment_records_create(
        assignment=course_factories.assignment(
            new_media, units=[org_tree["a1"], org_tree["b1"]], due=due, positions="科员"
        )
    )
    assignment_records_create(
        assignment=course_factories.assignment(video_only, units=[org_tree["a1"]], due=due)
    )
    CurriculumRecord.objects.filter(user=video_learner, curriculum=new_media).delete()
    for learner in (done, elsewhere):
        for lesson in lessons:
            course_services.lesson_complete(progress=course_services.lesson_open(user=learner, lesson=lesson))
        pass_exam(learner, exam)
    course_services.lesson_complete(progress=course_services.lesson_open(user=studying, lesson=lessons[0]))
    hr_a = UserFactory(hr=True, managed_units=(org_tree["a"],))
    return {
        "weibo": weibo,
        "new_media": new_media,
        "done": done,
        "studying": studying,
        "idle": idle,
        "hr_a": hr_a,
    }


def rows_on_screen(client, query):
    response = client.get(reverse("records_list"), query)
    assert response.status_code == 200
    return {row.full_name: row for row in response.context["page"]}


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_course_filter_gives_each_officials_standing_in_that_course(client, setup):
    client.force_login(setup["hr_a"])
    rows = rows_on_screen(client, {"course": setup["weibo"].pk})
    # Only the HR's units, only officials assigned a curriculum listing the course.
    assert set(rows) == {"甲完成", "甲在学", "甲未学"}
    done, studying, idle = rows["甲完成"], rows["甲在学"], rows["甲未学"]
    assert (done.state, done.progress, done.hours, done.score) == ("completed", 100, 2, 100)
    assert done.completed_at is not None and done.curriculum == "新媒体专题班"
    assert (studying.state, studying.progress, studying.hours, studying.score) == ("in_progress", 50, 0, None)
    assert (idle.state, idle.progress, idle.completed_at) == ("not_started", 0, None)
    # The curriculum itself is not completed (短视频制作 is still to do): its row says so.
    curriculum_rows = rows_on_screen(client, {"curriculum": setup["new_media"].pk})
    assert curriculum_rows["甲完成"].state == "in_progress"


def test_status_dates_and_sorting_apply_to_the_course(client, setup):
    client.force_login(setup["hr_a"])
    course = setup["weibo"].pk
    assert set(rows_on_screen(client, {"course": course, "status": "completed"})) == {"甲完成"}
    assert set(rows_on_screen(client, {"course": course, "status": "not_started"})) == {"甲未学"}
    today = timezone.localdate().isoformat()
    assert set(rows_on_screen(client, {"course": course, "completed_from": today})) == {"甲完成"}
    response = client.get(reverse("records_list"), {"course": course, "sort": "hours", "desc": "on"})
    assert [row.full_name for row in response.context["page"]][0] == "甲完成"
    CurriculumRecord.objects.update(due_date=timezone.localdate() - timedelta(days=1))
    assert set(rows_on_screen(client, {"course": course, "status": "overdue"})) == {"甲在学", "甲未学"}


def test_course_downloads_match_the_screen_and_are_audited(client, setup):
    client.force_login(setup["hr_a"])
    query = {"course": setup["weibo"].pk}
    shown = {row.employee_id for row in client.get(reverse("records_list"), query).context["page"]}
    rows = read_csv(client.get(reverse("records_csv"), query))
    assert rows[0][4:7] == ["专题班", "课程", "状态"]
    assert {row[0] for row in rows[1:]} == shown
    by_name = {row[1]: row for row in rows[1:]}
    done = setup["done"]
    started = timezone.localtime(done.lesson_progress.order_by("first_opened_at")[0].first_opened_at)
    assert by_name["甲完成"][2:12] == [
        "省直属机关/单位甲/甲一科",
        "科员",
        "新媒体专题班",
        "政务微博运营",
        "已完成",
        "100",
        "100.0",
        "2.0",
        (timezone.localdate() + timedelta(days=30)).isoformat(),
        f"{started:%Y-%m-%d %H:%M}",
    ]
    assert by_name["甲在学"][5:9] == ["政务微博运营", "学习中", "50", ""]
    workbook = load_workbook(io.BytesIO(client.get(reverse("records_xlsx"), query).getvalue()))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet_rows[0]) == rows[0]
    assert {row[0] for row in sheet_rows[1:]} == shown
    statuses = {row[1]: row[6] for row in sheet_rows[1:]}
    assert statuses == {"甲完成": "已完成", "甲在学": "学习中", "甲未学": "未开始"}
    actions = list(AuditEvent.objects.order_by("created_at").values_list("action", "row_count", "filters"))
    assert [action for action, _rows, _filters in actions] == ["view_records", "export_csv", "export_xlsx"]
    assert all(count == 3 and filters == query for _action, count, filters in actions)


def test_course_rows_page_query_count_does_not_grow(client, setup, org_tree):
    client.force_login(setup["hr_a"])
    query = {"course": setup["weibo"].pk}

    def count():
        client.get(reverse("records_list"), query)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("records_list"), query).status_code == 200
        return len(queries)

    few = count()
    for _ in range(20):
        UserFactory(official=True, org_unit=org_tree["a1"], position="科员")
    assignment_records_create(assignment=setup["new_media"].assignments.first())
    assert count() == few


# Review of 5c9938e (crediting rules): a course now has up to two ledger entries (its hours and
# its passed final exam's bonus), and hours come in quarters.


@pytest.fixture
def bonus_setup(request, org_tree):
    from decimal import Decimal

    from courses.models import CreditRule

    CreditRule.objects.create(effective_from=timezone.localdate(), test_bonus=Decimal("0.5"))
    return request.getfixturevalue("setup")


def test_a_course_row_counts_the_final_exams_bonus_with_the_courses_hours(client, bonus_setup):
    from decimal import Decimal

    from courses.models import CreditHourEntry

    done = bonus_setup["done"]
    credited = sum(e.hours for e in CreditHourEntry.objects.filter(user=done, course=bonus_setup["weibo"]))
    assert credited == Decimal("2.5")  # 2 for the course, 0.5 for its passed final exam
    client.force_login(bonus_setup["hr_a"])
    rows = rows_on_screen(client, {"course": bonus_setup["weibo"].pk})
    # The row shows one of the two entries (the first the database returns), not their sum.
    assert rows["甲完成"].hours == Decimal("2.5")
    by_name = {
        row[1]: row
        for row in read_csv(client.get(reverse("records_csv"), {"course": bonus_setup["weibo"].pk}))[1:]
    }
    assert by_name["甲完成"][9] == "2.5"
