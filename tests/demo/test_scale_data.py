"""The benchmark's data generator writes what the services would have written."""

import io

import pytest

from django.core.management import CommandError, call_command

from certificates.models import Certificate
from courses.models import CoursePage, LessonPage, LessonProgress
from demo.scale import sizes
from people.models import OrgUnit, User
from records.models import CurriculumRecord, RecordStatus
from records.services.records import record_refresh

TINY = sizes.Size(
    name="tiny",
    officials=120,
    units_per_level=(2, 2, 3),
    courses=4,
    lessons_per_course=2,
    curricula=2,
    courses_per_curriculum=2,
    curricula_per_unit=1,
    sessions=10,
    quiz_attempts=10,
)


def standing(record: CurriculumRecord) -> tuple:
    return (
        record.status,
        record.progress_percent,
        record.hours,
        record.score,
        record.started_at,
        record.completed_at,
        record.certificate_serial,
    )


@pytest.fixture
def tiny_data(monkeypatch):
    monkeypatch.setitem(sizes.SIZES, "tiny", TINY)
    call_command("build_scale_data", "--size", "tiny", stdout=io.StringIO())


@pytest.mark.django_db
def test_builds_the_unit_tree_people_and_catalogue_of_the_size(tiny_data):
    root = OrgUnit.objects.get(code="SC")

    assert root.get_descendant_count() + 1 == TINY.units
    assert {unit.depth for unit in OrgUnit.objects.filter(path__startswith=root.path)} == {1, 2, 3, 4}
    assert OrgUnit.find_problems() == ([], [], [], [], [])
    assert User.objects.filter(employee_id__startswith="S").count() == TINY.officials
    assert CoursePage.objects.live().count() == TINY.courses
    assert LessonPage.objects.live().count() == TINY.courses * TINY.lessons_per_course
    assert CurriculumRecord.objects.count() == TINY.officials * TINY.curricula_per_unit


@pytest.mark.django_db
def test_learning_history_matches_what_the_services_compute(tiny_data):
    records = list(CurriculumRecord.objects.select_related("user", "curriculum"))
    assert LessonProgress.objects.exists()
    assert {record.status for record in records} >= {RecordStatus.NOT_STARTED, RecordStatus.IN_PROGRESS}

    for record in records:
        written = standing(record)
        assert standing(record_refresh(user=record.user, curriculum=record.curriculum)) == written
    completed = [record for record in records if record.status == RecordStatus.COMPLETED]
    assert Certificate.objects.count() == len(completed)


@pytest.mark.django_db
def test_running_again_changes_nothing(tiny_data):
    counts = (User.objects.count(), CurriculumRecord.objects.count(), LessonProgress.objects.count())

    call_command("build_scale_data", "--size", "tiny", stdout=io.StringIO())

    assert (User.objects.count(), CurriculumRecord.objects.count(), LessonProgress.objects.count()) == counts


@pytest.mark.django_db
def test_refuses_a_database_holding_another_size(tiny_data, monkeypatch):
    other = sizes.Size(**{**TINY.__dict__, "name": "other", "officials": 300})
    monkeypatch.setitem(sizes.SIZES, "other", other)

    with pytest.raises(CommandError, match="other or unfinished"):
        call_command("build_scale_data", "--size", "other", stdout=io.StringIO())
