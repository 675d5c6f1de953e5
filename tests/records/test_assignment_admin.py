"""Assignments in the Wagtail admin: site administrators make, change and withdraw them through
the same services as HR (records, due date, live curriculum) with one audit row each; trainers
only read them."""

from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses.models import Assignment
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.audit.helpers import assert_refused
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

IP = "10.1.1.9"


@pytest.fixture
def world(org_tree):
    clerks = [UserFactory(official=True, org_unit=org_tree["a1"], position="科员") for _ in range(2)]
    chief = UserFactory(official=True, org_unit=org_tree["a"], position="处长")
    outsider = UserFactory(official=True, org_unit=org_tree["b1"], position="科员")
    curriculum = course_factories.curriculum([course_factories.course()], title="新媒体专题班")
    return {
        "tree": org_tree,
        "clerks": clerks,
        "chief": chief,
        "outsider": outsider,
        "curriculum": curriculum,
    }


def due(days=14):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def form(world, *, units, positions="", due_date=None, curriculum=None):
    return {
        "curriculum": (curriculum or world["curriculum"]).pk,
        "units": [world["tree"][key].pk for key in units],
        "positions": positions,
        "due_date": due_date or due(),
    }


def reached(curriculum):
    return set(CurriculumRecord.objects.filter(curriculum=curriculum).values_list("user_id", flat=True))


@pytest.fixture
def existing(world):
    assignment = course_factories.assignment(
        world["curriculum"], units=[world["tree"]["a"]], due=timezone.localdate() + timedelta(days=7)
    )
    assignment_records_create(assignment=assignment)
    return assignment


class TestSiteAdministratorAssigns:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, site_admin):
        client.force_login(site_admin)

    def test_create_reaches_the_officials_and_writes_one_audit_row(self, client, world, site_admin):
        response = client.post(reverse("assignment:add"), form(world, units=["a"]), REMOTE_ADDR=IP)

        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        assignment = Assignment.objects.get()
        assert assignment.created_by == site_admin
        assert reached(world["curriculum"]) == {person.pk for person in [*world["clerks"], world["chief"]]}
        assert set(CurriculumRecord.objects.values_list("due_date", flat=True)) == {assignment.due_date}
        (row,) = AuditEvent.objects.all()
        assert row.action == "assign"
        assert row.object_type == "courses.assignment"
        assert row.object_ids == [assignment.pk]
        assert row.filters == {"curriculum": world["curriculum"].pk, "units": [world["tree"]["a"].pk]}
        assert row.user == site_admin and row.ip_address == IP
        assert str(assignment.due_date) in row.detail

    def test_positions_narrow_who_is_reached(self, client, world):
        client.post(reverse("assignment:add"), form(world, units=["province"], positions="科员"))

        assert reached(world["curriculum"]) == {person.pk for person in [*world["clerks"], world["outsider"]]}

    def test_a_past_due_date_is_refused_with_a_form_error(self, client, world):
        response = client.post(reverse("assignment:add"), form(world, units=["a"], due_date=due(-1)))

        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert errors and "截止日期已过" in " ".join(errors)
        assert not Assignment.objects.exists()
        assert not CurriculumRecord.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_a_curriculum_that_is_not_live_is_refused_with_a_form_error(self, client, world):
        draft = course_factories.curriculum([course_factories.course()], title="未发布专题班")
        draft.unpublish()

        response = client.post(reverse("assignment:add"), form(world, units=["a"], curriculum=draft))

        assert response.status_code == 200
        assert "curriculum" in response.context["form"].errors
        assert not Assignment.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_the_form_offers_only_live_curricula(self, client, world):
        draft = course_factories.curriculum([course_factories.course()], title="未发布专题班")
        draft.unpublish()

        response = client.get(reverse("assignment:add"))

        offered = set(response.context["form"].fields["curriculum"].queryset)
        assert world["curriculum"].specific in offered or world["curriculum"] in offered
        assert all(page.pk != draft.pk for page in offered)

    def test_change_moves_the_records_and_writes_one_row(self, client, world, existing):
        response = client.post(
            reverse("assignment:edit", args=[existing.pk]),
            form(world, units=["b"], due_date=due(30)),
            REMOTE_ADDR=IP,
        )

        assert response.status_code == 302
        existing.refresh_from_db()
        assert list(existing.units.all()) == [world["tree"]["b"]]
        assert reached(world["curriculum"]) == {world["outsider"].pk}  # unstarted records withdrawn
        (row,) = AuditEvent.objects.all()
        assert (row.action, row.object_ids) == ("assignment_change", [existing.pk])
        assert row.filters["units"] == [world["tree"]["b"].pk]
        assert row.ip_address == IP

    def test_change_to_a_past_due_date_is_refused(self, client, world, existing):
        response = client.post(
            reverse("assignment:edit", args=[existing.pk]), form(world, units=["a"], due_date=due(-3))
        )

        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        existing.refresh_from_db()
        assert existing.due_date == timezone.localdate() + timedelta(days=7)
        assert not AuditEvent.objects.exists()

    def test_delete_withdraws_unstarted_records_and_names_the_assignment(self, client, world, existing):
        pk = existing.pk

        response = client.post(reverse("assignment:delete", args=[pk]), REMOTE_ADDR=IP)

        assert response.status_code == 302
        assert not Assignment.objects.filter(pk=pk).exists()
        assert not CurriculumRecord.objects.exists()
        (row,) = AuditEvent.objects.all()
        assert row.action == "assignment_delete"
        assert row.object_ids == [pk]
        assert row.filters == {"curriculum": world["curriculum"].pk, "units": [world["tree"]["a"].pk]}
        assert row.ip_address == IP


class TestTrainerReads:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, trainer):
        client.force_login(trainer)

    def test_lists_and_inspects(self, client, existing):
        listing = client.get(reverse("assignment:index"))
        inspect = client.get(reverse("assignment:inspect", args=[existing.pk]))

        assert listing.status_code == 200
        assert "新媒体专题班" in listing.content.decode()
        assert inspect.status_code == 200
        assert "新媒体专题班" in inspect.content.decode()

    def test_is_not_offered_add_edit_or_delete(self, client, existing):
        html = client.get(reverse("assignment:index")).content.decode()

        assert reverse("assignment:add") not in html
        assert reverse("assignment:edit", args=[existing.pk]) not in html
        assert reverse("assignment:delete", args=[existing.pk]) not in html

    def test_add_edit_and_delete_are_refused(self, client, world, existing):
        records = reached(world["curriculum"])

        for response in (
            client.get(reverse("assignment:add")),
            client.post(reverse("assignment:add"), form(world, units=["b"])),
            client.get(reverse("assignment:edit", args=[existing.pk])),
            client.post(
                reverse("assignment:edit", args=[existing.pk]), form(world, units=["b"], due_date=due(90))
            ),
            client.post(reverse("assignment:delete", args=[existing.pk])),
        ):
            assert response.status_code == 403 or response.status_code == 302, response.status_code
            if response.status_code == 302:
                assert_refused(response)

        assert list(Assignment.objects.values_list("pk", flat=True)) == [existing.pk]
        existing.refresh_from_db()
        assert list(existing.units.all()) == [world["tree"]["a"]]
        assert reached(world["curriculum"]) == records
        assert not AuditEvent.objects.exclude(action="denied").exists()


@pytest.mark.parametrize("who", ["hr_user", "official"])
def test_hr_and_officials_do_not_get_the_admin_screen(who, request, client, existing):
    client.force_login(request.getfixturevalue(who))

    assert_refused(client.get(reverse("assignment:index")))
    assert_refused(client.post(reverse("assignment:delete", args=[existing.pk])))

    assert Assignment.objects.filter(pk=existing.pk).exists()


def test_superuser_assigns_too(client, superuser, world):
    client.force_login(superuser)

    response = client.post(reverse("assignment:add"), form(world, units=["b1"]))

    assert response.status_code == 302
    assert reached(world["curriculum"]) == {world["outsider"].pk}
    assert AuditEvent.objects.get().action == "assign"
