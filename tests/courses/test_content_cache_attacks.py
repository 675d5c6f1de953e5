"""The learner home's assignments are cached by the unit's materialised path; treebeard rewrites
paths with raw SQL (a unit moved, or a unit added in sorted order before its siblings), so a
path can come to name another unit without any signal about the assignments."""

import pytest

from django.urls import reverse
from django.utils import timezone

from people import services as people_services
from people.models import OrgUnit
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("learner_home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def sections_assigned(org_tree):
    """乙一科 (B-1) and 甲一科 (A-1) each have their own curriculum assigned."""
    today = timezone.localdate()
    b1_curriculum = factories.curriculum([factories.course(title="乙科课程")], title="乙一科专题班")
    a1_curriculum = factories.curriculum([factories.course(title="甲科课程")], title="甲一科专题班")
    factories.assignment(b1_curriculum, units=[org_tree["b1"]], due=today)
    factories.assignment(a1_curriculum, units=[org_tree["a1"]], due=today)
    return org_tree


def test_a_unit_moved_in_sorted_order_does_not_show_its_new_siblings_assignments(client, sections_assigned):
    tree = sections_assigned
    in_b1 = UserFactory(official=True, org_unit=tree["b1"])
    in_a1 = UserFactory(official=True, org_unit=tree["a1"])
    assert "乙一科专题班" in home(client, in_b1)
    assert "甲一科专题班" in home(client, in_a1)

    # A-1 sorts before B-1: treebeard gives it B-1's path and shifts B-1 along.
    people_services.org_unit_move(unit=tree["a1"], parent=tree["b"])

    page = home(client, in_a1)
    assert "甲一科专题班" in page
    assert "乙一科专题班" not in page


def test_a_unit_added_before_its_siblings_does_not_inherit_their_assignments(client, sections_assigned):
    tree = sections_assigned
    in_b1 = UserFactory(official=True, org_unit=tree["b1"])
    assert "乙一科专题班" in home(client, in_b1)

    new = people_services.org_unit_create(name="乙零科", code="B-0", parent=tree["b"])
    newcomer = UserFactory(official=True, org_unit=OrgUnit.objects.get(pk=new.pk))

    assert "乙一科专题班" not in home(client, newcomer)
    assert "乙一科专题班" in home(client, in_b1)


def test_a_lost_generation_does_not_bring_back_a_page_from_before_the_last_change(client):
    """The generation key can vanish without its entries (the database cache, the fallback
    without Redis, culls a third of its rows by key order past 300 entries): the entries
    computed before the last change must not count as current again."""
    from django.core.cache import cache

    from courses.models import LessonPage

    official = UserFactory(official=True)
    client.force_login(official)
    lesson = factories.lesson(factories.course(title="保密常识"), title="涉密载体")
    cache.delete("courses:content-generation")  # culled once
    assert client.get(lesson.url).status_code == 200

    LessonPage.objects.get(pk=lesson.pk).unpublish()
    cache.delete("courses:content-generation")  # and again

    assert client.get(lesson.url).status_code == 404


def test_models_other_than_pages_keep_their_fast_deletes():
    """A content receiver connected for every sender would make each queryset delete of any
    model (expired sessions, old sign-in events) load and signal every row."""
    from django.db.models.signals import post_delete, post_save
    from django.dispatch.dispatcher import _make_id

    for signal in (post_save, post_delete):
        senderless = [key for (key, sender), *_ in signal.receivers if sender == _make_id(None)]
        assert not [key for key in senderless if str(key).startswith("courses_content_")]
