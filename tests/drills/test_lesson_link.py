"""The lesson page links its live drill from a cached map: publishing, unpublishing or deleting a
scenario shows on the next request."""

import pytest

from drills.models import Scenario
from tests.drills import factories

pytestmark = pytest.mark.django_db


def drill_links(client, lesson) -> int:
    return client.get(lesson.url).content.decode().count('href="/drills/')


def test_the_link_follows_the_scenario(client, official):
    scenario = factories.scenario(live=False)
    lesson = scenario.lesson
    client.force_login(official)
    assert drill_links(client, lesson) == 0
    scenario.save_revision().publish()
    assert drill_links(client, lesson) == 1
    Scenario.objects.get(pk=scenario.pk).unpublish()
    assert drill_links(client, lesson) == 0
    scenario = Scenario.objects.get(pk=scenario.pk)
    scenario.save_revision().publish()
    assert drill_links(client, lesson) == 1
    scenario.delete()
    assert drill_links(client, lesson) == 0
