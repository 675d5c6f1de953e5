"""A graded drill counts as a quiz does: its pass completes the lesson, the course and the
curriculum (hours, certificate), and its score reaches HR's records, exports and the transcript."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CreditHourEntry
from drills.services import runs as services
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.courses import factories as course_factories
from tests.drills import factories
from tests.factories.people import UserFactory
from tests.records.test_records_views import read_csv

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def setup(org_tree):
    scenario = factories.scenario()
    course = scenario.lesson.get_parent().specific
    curriculum = course_factories.curriculum([course], title="舆情应对专题班")
    learner = UserFactory(official=True, org_unit=org_tree["a1"], full_name="演练学员")
    assignment = course_factories.assignment(
        curriculum, units=[org_tree["province"]], due=timezone.localdate() + timedelta(days=30)
    )
    assignment_records_create(assignment=assignment)
    hr = UserFactory(hr=True, managed_units=(org_tree["a"],))
    return {"scenario": scenario, "course": course, "curriculum": curriculum, "learner": learner, "hr": hr}


def graded_run(scenario, learner, *, levels):
    run = services.run_start(user=learner, scenario=scenario, now=T0)
    services.answer_send(
        run=run,
        task_key="t2",
        text="区教育局已暂停该校食堂供餐，留样已送检，检测结果将及时公布。",
        now=T0 + timedelta(minutes=1),
    )
    run = services.run_submit(run=run, now=T0 + timedelta(minutes=2))
    grades = {key: {"level": level} for key, level in zip(("c1", "c2"), levels, strict=True)}
    return services.run_grade(run=run, grader=UserFactory(trainer=True), grades=grades)


def test_a_failed_drill_shows_its_score_and_completes_nothing(setup):
    run = graded_run(setup["scenario"], setup["learner"], levels=(3, 3))
    assert not run.passed
    record = CurriculumRecord.objects.get(user=setup["learner"])
    assert record.score == run.percent and record.status != "completed"
    assert not CreditHourEntry.objects.filter(user=setup["learner"]).exists()


def test_a_passed_drill_credits_the_course_and_issues_the_certificate(client, setup):
    run = graded_run(setup["scenario"], setup["learner"], levels=(0, 0))
    assert run.passed
    record = CurriculumRecord.objects.get(user=setup["learner"])
    assert record.status == "completed" and record.score == run.percent
    assert Certificate.objects.filter(user=setup["learner"], curriculum=setup["curriculum"]).exists()
    entries = CreditHourEntry.objects.filter(user=setup["learner"], course=setup["course"])
    assert sum(entry.hours for entry in entries) >= Decimal(setup["course"].credit_hours)

    client.force_login(setup["hr"])
    rows = read_csv(client.get(reverse("records_csv")))
    header, row = rows[0], next(row for row in rows[1:] if "演练学员" in row)
    assert float(row[header.index("得分")]) == float(run.percent)
    # One course chosen: the course's own score, from its drill.
    per_course = read_csv(client.get(reverse("records_csv"), {"course": setup["course"].pk}))
    row = next(row for row in per_course[1:] if "演练学员" in row)
    assert float(row[per_course[0].index("得分")]) == float(run.percent)

    page = client.get(reverse("records_transcript", args=[setup["learner"].pk])).content.decode()
    assert setup["scenario"].title in page
    pdf = client.get(reverse("records_transcript_pdf", args=[setup["learner"].pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(_content(pdf))).pages)
    assert "演练成绩" in text and setup["scenario"].title in text


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
