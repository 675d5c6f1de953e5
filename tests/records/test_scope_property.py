"""Property test: whatever the organisation does to its unit tree and its people, each HR user
sees exactly the records of the officials whose current unit lies under a unit they manage.

Hypothesis runs random sequences of unit imports (new units, which shift their siblings'
materialised paths), moves, deletions, transfers, new officials, position changes,
assignments (made, changed, withdrawn), studying and changes of who manages what. After every
step the records each HR user sees through the application (the records list's rows, the
summary's totals, the people in scope) are compared with an answer computed from a model of
the tree kept here as parent links, never from the database's paths.
"""

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from django.db import transaction
from django.utils import timezone

from courses.models import Assignment
from courses.services import lesson_open
from people import roles
from people.models import OrgUnit, User
from people.selectors import people_in_scope
from people.services import (
    UnitError,
    org_unit_create,
    org_unit_delete,
    org_unit_move,
    user_create,
    user_update,
)
from records.models import CurriculumRecord
from records.selectors import RecordFilter, record_rows, unit_summaries
from records.services.assignments import assignment_create, assignment_delete, assignment_update
from tests.courses import factories as course_factories

pytestmark = pytest.mark.django_db

POSITIONS = ("科员", "科长")
CODES = st.text(alphabet="ABCXYZ0189", min_size=1, max_size=3)
EXAMPLES = int(os.environ.get("SCOPE_PROPERTY_EXAMPLES", "25"))


class World:
    """What every example shares: two curricula of one course and one lesson each, and a site
    administrator who makes the assignments. Built once per test, rolled back with it."""

    def __init__(self):
        roles.roles_ensure()
        self.admin = user_create(employee_id="ADMIN", full_name="管理员", roles=(roles.SITE_ADMIN,))
        self.curricula = []
        self.lessons = {}
        for number in range(2):
            course = course_factories.course(title=f"课程{number}")
            lesson = course_factories.lesson(course)
            curriculum = course_factories.curriculum([course], title=f"专题班{number}")
            self.curricula.append(curriculum)
            self.lessons[curriculum.pk] = lesson


class ScopeMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.serial = 0
        self.parent: dict[int, int | None] = {}  # unit id → parent unit id: the model tree
        self.unit_of: dict[int, int | None] = {}  # official id → unit id
        self.position: dict[int, str] = {}
        self.active: dict[int, bool] = {}
        self.assignments: dict[int, tuple[int, frozenset[int], str, object]] = {}
        self.records: set[tuple[int, int]] = set()
        self.studied: set[tuple[int, int]] = set()
        root = self._unit("R", None)
        unit_a = self._unit("RA", root)
        unit_b = self._unit("RB", root)
        self.hr = {}
        for name, managed in (("HRA", [unit_a]), ("HRB", [unit_b]), ("HRR", [root])):
            hr = user_create(
                employee_id=name,
                full_name=name,
                roles=(roles.HR,),
                managed_units=tuple(OrgUnit.objects.filter(pk__in=managed)),
            )
            self.hr[hr.pk] = set(managed)
        for unit in (unit_a, unit_a, unit_b, root):
            self._official(unit, POSITIONS[self.serial % 2])

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # The model -------------------------------------------------------------------------

    def _chain(self, unit_id):
        """The unit and every unit above it, from the model's parent links."""
        chain = []
        while unit_id is not None:
            chain.append(unit_id)
            unit_id = self.parent[unit_id]
        return chain

    def _under(self, unit_id, tops) -> bool:
        return unit_id is not None and bool(set(self._chain(unit_id)) & tops)

    def _reached(self) -> dict[tuple[int, int], object]:
        wanted = {}
        for official, unit_id in self.unit_of.items():
            if not self.active[official] or unit_id is None:
                continue
            chain = set(self._chain(unit_id))
            for curriculum_id, units, positions, due in self.assignments.values():
                if units & chain and (not positions or self.position[official] == positions):
                    key = (official, curriculum_id)
                    wanted[key] = min(due, wanted.get(key, due))
        return wanted

    def _settle(self):
        """Records after a step: those the assignments reach, and those already studied."""
        self.records = set(self._reached()) | {key for key in self.records if key in self.studied}

    # Writing through the application's services ---------------------------------------

    def _unit(self, code, parent_id):
        parent = OrgUnit.objects.get(pk=parent_id) if parent_id else None
        unit = org_unit_create(name=f"单位{code}", code=code, parent=parent)
        self.parent[unit.pk] = parent_id
        return unit.pk

    def _official(self, unit_id, position):
        self.serial += 1
        user = user_create(
            employee_id=f"P{self.serial:03d}",
            full_name=f"干部{self.serial}",
            org_unit=OrgUnit.objects.get(pk=unit_id),
            position=position,
            roles=(roles.OFFICIAL,),
        )
        self.unit_of[user.pk] = unit_id
        self.position[user.pk] = position
        self.active[user.pk] = True
        self._settle()

    @rule(data=st.data(), code=CODES)
    def import_unit(self, data, code):
        parent_id = data.draw(st.sampled_from(sorted(self.parent)))
        self.serial += 1
        # Codes sort siblings in the tree: a new code can land before existing siblings,
        # rewriting their paths and their sub-units' paths.
        self._unit(f"{code}{self.serial:03d}", parent_id)

    @rule(data=st.data())
    def move_unit(self, data):
        unit_id = data.draw(st.sampled_from(sorted(self.parent)))
        target = data.draw(st.sampled_from([None, *sorted(self.parent)]))
        unit = OrgUnit.objects.get(pk=unit_id)
        parent = OrgUnit.objects.get(pk=target) if target else None
        if target is not None and unit_id in self._chain(target):
            with pytest.raises(UnitError):
                org_unit_move(unit=unit, parent=parent)
            return
        org_unit_move(unit=unit, parent=parent)
        self.parent[unit_id] = target
        self._settle()

    @rule(data=st.data())
    def delete_unit(self, data):
        unit_id = data.draw(st.sampled_from(sorted(self.parent)))
        members = [official for official, unit in self.unit_of.items() if unit == unit_id]
        has_children = any(parent == unit_id for parent in self.parent.values())
        refused = has_children or (members and self.parent[unit_id] is None)
        if refused:
            with pytest.raises(UnitError):
                org_unit_delete(unit=OrgUnit.objects.get(pk=unit_id))
            return
        org_unit_delete(unit=OrgUnit.objects.get(pk=unit_id))
        for official in members:
            self.unit_of[official] = self.parent[unit_id]
        del self.parent[unit_id]
        for managed in self.hr.values():
            managed.discard(unit_id)
        for key, (curriculum_id, units, positions, due) in list(self.assignments.items()):
            self.assignments[key] = (curriculum_id, units - {unit_id}, positions, due)
        self._settle()

    @rule(data=st.data())
    def transfer(self, data):
        official = data.draw(st.sampled_from(sorted(self.unit_of)))
        unit_id = data.draw(st.sampled_from(sorted(self.parent)))
        user_update(user=User.objects.get(pk=official), org_unit=OrgUnit.objects.get(pk=unit_id))
        self.unit_of[official] = unit_id
        self._settle()

    @rule(data=st.data(), position=st.sampled_from(POSITIONS))
    def new_official(self, data, position):
        self._official(data.draw(st.sampled_from(sorted(self.parent))), position)

    @rule(data=st.data(), position=st.sampled_from(POSITIONS), active=st.booleans())
    def change_position(self, data, position, active):
        official = data.draw(st.sampled_from(sorted(self.unit_of)))
        user_update(user=User.objects.get(pk=official), position=position, is_active=active)
        self.position[official] = position
        self.active[official] = active
        self._settle()

    @rule(data=st.data(), days=st.integers(min_value=0, max_value=60), chief_only=st.booleans())
    def assign(self, data, days, chief_only):
        curriculum = data.draw(st.sampled_from(self.world.curricula))
        units = data.draw(st.sets(st.sampled_from(sorted(self.parent)), min_size=1, max_size=3))
        due = timezone.localdate() + timedelta(days=days)
        positions = "科长" if chief_only else ""
        assignment = assignment_create(
            by=self.world.admin,
            curriculum=curriculum,
            units=list(OrgUnit.objects.filter(pk__in=units)),
            positions=positions,
            due_date=due,
        )
        self.assignments[assignment.pk] = (curriculum.pk, frozenset(units), positions, due)
        self._settle()

    @rule(data=st.data(), days=st.integers(min_value=0, max_value=60))
    def change_assignment(self, data, days):
        if not self.assignments:
            return
        key = data.draw(st.sampled_from(sorted(self.assignments)))
        curriculum_id, _units, positions, _due = self.assignments[key]
        units = data.draw(st.sets(st.sampled_from(sorted(self.parent)), min_size=1, max_size=3))
        due = timezone.localdate() + timedelta(days=days)
        assignment_update(
            by=self.world.admin,
            assignment=self._assignment(key),
            curriculum=next(c for c in self.world.curricula if c.pk == curriculum_id),
            units=list(OrgUnit.objects.filter(pk__in=units)),
            positions=positions,
            due_date=due,
        )
        self.assignments[key] = (curriculum_id, frozenset(units), positions, due)
        self._settle()

    @rule(data=st.data())
    def withdraw_assignment(self, data):
        if not self.assignments:
            return
        key = data.draw(st.sampled_from(sorted(self.assignments)))
        assignment_delete(by=self.world.admin, assignment=self._assignment(key))
        del self.assignments[key]
        self._settle()

    @rule(data=st.data())
    def study(self, data):
        official = data.draw(st.sampled_from(sorted(self.unit_of)))
        curriculum = data.draw(st.sampled_from(self.world.curricula))
        lesson_open(user=User.objects.get(pk=official), lesson=self.world.lessons[curriculum.pk])
        self.studied.add((official, curriculum.pk))
        self._settle()

    @rule(data=st.data())
    def change_managed_units(self, data):
        hr_id = data.draw(st.sampled_from(sorted(self.hr)))
        units = data.draw(st.sets(st.sampled_from(sorted(self.parent)), max_size=2))
        User.objects.get(pk=hr_id).managed_units.set(OrgUnit.objects.filter(pk__in=units))
        self.hr[hr_id] = set(units)

    def _assignment(self, key):
        return Assignment.objects.get(pk=key)

    # What must hold after every step ----------------------------------------------------

    @invariant()
    def tree_matches_the_model(self):
        for unit in OrgUnit.objects.all():
            parent = unit.get_parent(update=True)
            assert (parent.pk if parent else None) == self.parent[unit.pk]
        assert dict(User.objects.filter(pk__in=self.unit_of).values_list("pk", "org_unit_id")) == self.unit_of

    @invariant()
    def records_exist_exactly_where_assignments_reach_or_study_began(self):
        assert set(CurriculumRecord.objects.values_list("user_id", "curriculum_id")) == self.records
        due = {
            (user_id, curriculum_id): due
            for user_id, curriculum_id, due in CurriculumRecord.objects.values_list(
                "user_id", "curriculum_id", "due_date"
            )
        }
        reached = self._reached()
        for key, expected in reached.items():
            assert due[key] == expected
        # A record kept as history (started) that no assignment reaches has no due date.
        assert all(due[key] is None for key in self.records if key not in reached)

    @invariant()
    def each_hr_sees_exactly_their_units_records(self):
        for hr_id, managed in self.hr.items():
            hr = User.objects.get(pk=hr_id)
            expected = {key for key in self.records if self._under(self.unit_of[key[0]], managed)}
            seen = set(record_rows(viewer=hr, filters=RecordFilter()).values_list("user_id", "curriculum_id"))
            assert seen == expected, f"HR {hr.employee_id}"
            people = {official for official, unit in self.unit_of.items() if self._under(unit, managed)}
            assert (
                set(people_in_scope(user=hr).filter(pk__in=self.unit_of).values_list("pk", flat=True))
                == people
            )
            summaries = unit_summaries(viewer=hr, parent=None)
            assert sum(summary.records for summary in summaries) == len(expected)


def test_hr_scope_follows_every_change_to_units_and_people(db):
    ScopeMachine.world = World()
    run_state_machine_as_test(
        ScopeMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        ),
    )
