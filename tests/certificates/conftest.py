from pathlib import Path

import pytest

from django.core.files.storage import storages

from courses import services as course_services
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory


@pytest.fixture
def curriculum_setup(org_tree):
    """A curriculum of two one-lesson courses, and an official in unit A-1 who has finished
    the first course; completing the second lesson completes the curriculum."""
    first = course_factories.course(title="政务微博运营", hours="2")
    second = course_factories.course(title="网络安全意识", hours="1.5")
    lesson_one = course_factories.lesson(first)
    lesson_two = course_factories.lesson(second)
    curriculum = course_factories.curriculum([first, second], title="新媒体专题班")
    official = UserFactory(
        official=True, org_unit=org_tree["a1"], full_name="张晓明", employee_id="GZ1001", phone="13800000000"
    )
    course_services.lesson_complete(progress=course_services.lesson_open(user=official, lesson=lesson_one))
    return {"curriculum": curriculum, "official": official, "last_lesson": lesson_two, "tree": org_tree}


def finish(official, lesson):
    return course_services.lesson_complete(progress=course_services.lesson_open(user=official, lesson=lesson))


def private_files(folder: str) -> set[str]:
    """The names of the files under `folder` of the private storage (left by earlier tests too:
    compare before and after)."""
    root = Path(storages["private"].location)
    return {str(path.relative_to(root)) for path in (root / folder).rglob("*") if path.is_file()}
