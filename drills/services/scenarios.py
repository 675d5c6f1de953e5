"""Writes for authoring drills: a scenario imported from a file becomes a new draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wagtail.actions.create import CreateAction

from ..models import Scenario
from ..transfer import ImportedScenario, ScenarioFileError, scenario_file_read, scenario_from_file

if TYPE_CHECKING:
    from courses.models import LessonPage
    from people.models import User


def scenario_import(*, data: bytes, lesson: LessonPage, user: User) -> ImportedScenario:
    """A scenario file becomes a new draft scenario on a lesson without a drill, all or nothing:
    officials get it once a reviewer approves it, as any draft. Raises ScenarioFileError with
    every problem of the file, having written nothing."""
    content = scenario_file_read(data)
    taken = _("The lesson “%(lesson)s” already has a drill; choose a lesson without one.") % {
        "lesson": lesson.title
    }
    try:
        with transaction.atomic():
            if Scenario.objects.filter(lesson=lesson).exists():
                raise ScenarioFileError([taken])
            imported = scenario_from_file(content, lesson=lesson)
            # Saved, given its first revision and logged as the admin's "add" does; a draft.
            CreateAction(imported.scenario, user=user).execute()
    except IntegrityError:
        # Another import or a trainer's form took the lesson in the meantime.
        raise ScenarioFileError([taken]) from None
    return imported
