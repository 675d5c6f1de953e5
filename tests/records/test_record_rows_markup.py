"""The records table's rows, written in Python (records_tags.record_rows), are the markup the
template wrote cell by cell: every status, missing values, a chosen course, escaping, dates in
the current time zone, both languages."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from django.template import Context, Template
from django.utils import translation

from records.selectors import RecordRow

# The template's loop before the rows were written in Python: the reference.
TEMPLATE_ROWS = """{% load i18n core_tags %}{% for row in rows %}
<tr>
    <td>{{ row.employee_id }}</td>
    <td><a href="{% url 'records_transcript' row.user_id %}">{{ row.full_name }}</a><br><span class="muted">{{ row.position }}</span></td>
    <td>{{ names|get_item:row.unit_path }}</td>
    <td>{{ row.curriculum }}</td>
    {% if course %}<td>{{ course.title }}</td>{% endif %}
    <td>{% if row.state == "completed" %}<span class="status status--completed">{% translate "Completed" %}</span>{% elif row.state == "overdue" %}<span class="badge badge--danger">{% translate "Overdue" %}</span>{% elif row.state == "in_progress" %}<span class="status status--in_progress">{% translate "In progress" context "learning" %} {{ row.progress }}%</span>{% else %}<span class="status status--not_started">{% translate "Not started" %}</span>{% endif %}</td>
    <td>{{ row.hours|floatformat:"-2" }}</td>
    <td>{% if row.score is not None %}{{ row.score|floatformat:"-1" }}%{% else %}—{% endif %}</td>
    <td>{{ row.due_date|date:"Y-m-d"|default:"—" }}</td>
    <td>{{ row.completed_at|date:"Y-m-d"|default:"—" }}</td>
    <td>{{ row.certificate_serial|default:"—" }}</td>
</tr>{% endfor %}"""  # noqa: E501 - the template's lines as they were
TAG_ROWS = "{% load records_tags %}{% record_rows rows names course %}"

ROWS = [
    RecordRow(1, "E001", "张三", "0001", "科员", "网络安全专题班", "completed", 100, Decimal("92.50"),
              Decimal("12.00"), date(2026, 6, 30), datetime(2026, 6, 30, 17, 30, tzinfo=UTC),
              "CERT-2026-0001"),
    RecordRow(2, "E002", "<b>李四</b>", "00010001", "", "舆情 & 应对", "in_progress", 45, None,
              Decimal("3.25"), None, None, ""),
    RecordRow(3, "E003", "王五", "0002", "副处长", "新媒体", "overdue", 10, Decimal("60"),
              Decimal("0"), date(2026, 1, 1), None, ""),
    RecordRow(4, "E'004", "赵\"六", "", "处长", "新媒体", "not_started", 0, Decimal("0.0"),
              Decimal("1.5"), date(2026, 12, 31), datetime(2026, 12, 31, 16, 0, tzinfo=UTC), ""),
]  # fmt: skip
NAMES = {"0001": "省直属机关", "00010001": "省直属机关/甲 <一> 科", "0002": "单位乙"}


class Course:
    title = "政务微博 <运营>"


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("course", [None, Course()])
def test_the_rows_are_the_templates_markup(language, course):
    context = {"rows": ROWS, "names": NAMES, "course": course}
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context(context))
        written = Template(TAG_ROWS).render(Context(context))
    assert squeezed(written) == squeezed(expected)
    # The moment completed late on 31 December UTC is 1 January in Asia/Shanghai.
    assert "2027-01-01" in written and "&lt;b&gt;李四&lt;/b&gt;" in written and "45%" in written
