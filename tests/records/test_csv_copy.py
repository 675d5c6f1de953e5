"""On PostgreSQL the database writes HR's CSV itself (COPY); it must hold exactly the cells the
Python writer does, for every kind of row and text."""

import csv
import io
from decimal import Decimal

import pytest

from django.db import connection

from records import exports, selectors
from records.forms import RecordFilterForm
from records.models import CurriculumRecord
from tests.records.test_exports import setup  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def parsed(pieces) -> list[list[str]]:
    text = b"".join(pieces).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def record_filter(viewer, query):
    return RecordFilterForm(query or None, viewer=viewer).to_filter()


def both_ways(viewer, filters):
    rows = selectors.record_rows(viewer=viewer, filters=filters)
    names = selectors.unit_names()
    title = filters.course.title if filters.course else ""
    by_python = exports.csv_stream(
        exports.export_rows(rows, names, course_title=title), exports.export_headers(course_title=title)
    )
    return parsed(exports.csv_download(rows, names, course_title=title)), parsed(by_python)


def test_copy_writes_the_cells_the_python_writer_does(setup):  # noqa: F811
    record = CurriculumRecord.objects.get(user=setup["done"])
    CurriculumRecord.objects.filter(pk=record.pk).update(score=Decimal("85.33"), hours=Decimal("12.50"))
    setup["idle"].full_name = '@甲"未学",\n第二行'
    setup["idle"].position = "-科员"
    setup["idle"].employee_id = "\r9001"
    setup["idle"].save()

    copied, written = both_ways(setup["hr_a"], record_filter(setup["hr_a"], {}))

    assert copied == written
    assert len(copied) == 3
    assert {row[7] for row in copied[1:]} == {"85.33", ""}
    assert {row[8] for row in copied[1:]} == {"12.5", "0.0"}


def test_copy_with_a_course_chosen_matches_too(setup):  # noqa: F811
    course = setup["curriculum"].curriculum_courses.get().course
    filters = record_filter(setup["hr_a"], {"course": str(course.pk)})

    copied, written = both_ways(setup["hr_a"], filters)

    assert copied == written
    assert {row[5] for row in copied[1:]} == {"政务微博运营"}
