"""HR's records table, written in Python: a page of 50 rows took the template engine a node per
cell (a URL reversed, a status translated, numbers and dates formatted). The same markup
(tests/records/test_record_rows_markup.py), each value escaped as Django escapes it."""

from datetime import datetime
from html import escape

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

register = template.Library()

NONE = "—"


def _states() -> dict[str, str]:
    """Each status's badge in the current language (in progress: with a {progress} slot)."""
    return {
        "completed": format_html('<span class="status status--completed">{}</span>', gettext("Completed")),
        "overdue": format_html('<span class="badge badge--danger">{}</span>', gettext("Overdue")),
        "in_progress": format_html(
            '<span class="status status--in_progress">{} {{progress}}%</span>',
            pgettext("learning", "In progress"),
        ),
        "not_started": format_html(
            '<span class="status status--not_started">{}</span>', gettext("Not started")
        ),
    }


def _text(value) -> str:
    return escape(str(value))


def _day(value) -> str:
    """A date, or a moment as its date in the current time zone, as YYYY-MM-DD; "—" if none."""
    if value is None:
        return NONE
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.isoformat()


@register.simple_tag
def record_rows(rows, names: dict, course=None) -> SafeString:
    """The table's rows (RecordRow), `names` the units' full names by path, `course` the course
    the rows show, if one was chosen."""
    states = _states()
    course_cell = format_html("<td>{}</td>", course.title) if course else ""
    lines = []
    for row in rows:
        transcript = escape(reverse("records_transcript", args=[row.user_id]))
        state = states.get(row.state, states["not_started"])
        if row.state == "in_progress":
            state = state.replace("{progress}", escape(str(row.progress)))
        score = f"{floatformat(row.score, '-1')}%" if row.score is not None else NONE
        lines.append(
            "<tr>"
            f"<td>{_text(row.employee_id)}</td>"
            f'<td><a href="{transcript}">{_text(row.full_name)}</a>'
            f'<br><span class="muted">{_text(row.position)}</span></td>'
            f"<td>{_text(names.get(row.unit_path, ''))}</td>"
            f"<td>{_text(row.curriculum)}</td>"
            f"{course_cell}"
            f"<td>{state}</td>"
            f"<td>{escape(floatformat(row.hours, '-2'))}</td>"
            f"<td>{escape(score)}</td>"
            f"<td>{_day(row.due_date)}</td>"
            f"<td>{_day(row.completed_at)}</td>"
            f"<td>{_text(row.certificate_serial or NONE)}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped
