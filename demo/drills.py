"""The demo drills: the course 网络舆情应对实战演练 from `drill_texts`, its two lessons completed by a
drill, their scenarios published live, and the course in the demo curriculum."""

from datetime import datetime
from zoneinfo import ZoneInfo

from wagtail.models import Revision

from courses.models import CompletionRule, CoursePage, CurriculumCourse, CurriculumPage, LessonPage
from courses.setup import course_tree_ensure
from demo.courses import CURRICULUM_SLUG, course_create, course_delete, lesson_create
from demo.drill_texts import DRILL_COURSE
from drills.models import DrillTask, Inject, RubricCriterion, Scenario
from records.models import CurriculumRecord
from records.services import record_refresh

SCENARIO_ZONE = ZoneInfo("Asia/Shanghai")


def demo_drills_load() -> dict[str, int]:
    """Create what is missing of the drill course and its scenarios; return how many pages and
    scenarios were created."""
    created = {"pages": 0, "drills": 0}
    course = CoursePage.objects.filter(slug=DRILL_COURSE["slug"]).first()
    if course is None:
        course = course_create(course_tree_ensure(), DRILL_COURSE)
        created["pages"] += 1
    for spec in DRILL_COURSE["lessons"]:
        lesson = LessonPage.objects.child_of(course).filter(slug=spec["slug"]).first()
        if lesson is None:
            lesson = lesson_create(course, DRILL_COURSE, spec, completion_rule=CompletionRule.DRILL)
            created["pages"] += 1
        if not Scenario.objects.filter(lesson=lesson).exists():
            scenario_create(lesson=lesson, spec=spec["scenario"])
            created["drills"] += 1
    _curriculum_include(course)
    return created


def scenario_create(*, lesson: LessonPage, spec: dict) -> Scenario:
    """A live scenario on the lesson from its `drill_texts` spec, published as a reviewer would."""
    start = datetime.fromisoformat(spec["clock_start"]).replace(tzinfo=SCENARIO_ZONE)
    scenario = Scenario(
        lesson=lesson,
        title=spec["title"],
        background=spec["background"],
        role=spec["role"],
        incident_level=spec["incident_level"],
        clock_start=start,
        real_minutes=spec["real_minutes"],
        scenario_hours=spec["scenario_hours"],
        pass_mark=spec["pass_mark"],
        max_attempts=spec["max_attempts"],
        automatic_weight=spec["automatic_weight"],
    )
    for order, inject in enumerate(spec["injects"]):
        scenario.injects.add(
            Inject(
                at_minutes=scenario_minutes(start, inject["at"]),
                kind=inject["kind"],
                author=inject["author"],
                text=inject["text"],
                risk=inject["risk"],
                veracity=inject["veracity"],
                facts=inject["facts"],
                questions="\n".join(inject.get("questions", [])),
                sort_order=order,
            )
        )
    for order, task in enumerate(spec["tasks"]):
        scenario.tasks.add(
            DrillTask(
                kind=task["kind"],
                instructions=task["instructions"],
                opens_at_minutes=scenario_minutes(start, task["opens"]),
                due_at_minutes=scenario_minutes(start, task["due"]),
                min_chars=task["min_chars"],
                max_chars=task["max_chars"],
                weight=task["weight"],
                key_facts="\n".join(task["key_facts"]),
                model_answer=task["model_answer"],
                sort_order=order,
            )
        )
    for order, criterion in enumerate(spec["criteria"]):
        scenario.criteria.add(
            RubricCriterion(
                name=criterion["name"],
                description=criterion["description"],
                weight=criterion["weight"],
                levels="\n".join(f"{name}|{share}|{text}" for name, share, text in criterion["levels"]),
                sort_order=order,
            )
        )
    scenario.save()
    scenario.save_revision().publish()
    return scenario


def scenario_minutes(start: datetime, moment: str) -> int:
    """Minutes from the scenario's start to `moment` ("MM-DD HH:MM" in the start's year)."""
    at = datetime.strptime(f"{start.year}-{moment}", "%Y-%m-%d %H:%M").replace(tzinfo=start.tzinfo)
    minutes = int((at - start).total_seconds()) // 60
    if minutes < 0:
        raise ValueError(f"{moment} is before the scenario starts ({start:%m-%d %H:%M}).")
    return minutes


def _curriculum_include(course: CoursePage) -> None:
    """The drill course closes the demo curriculum as a required course. Added to a curriculum
    loaded before it, the records of officials it is assigned to are recomputed: it is one more
    course to complete."""
    curriculum = CurriculumPage.objects.filter(slug=CURRICULUM_SLUG).first()
    if curriculum is None or CurriculumCourse.objects.filter(curriculum=curriculum, course=course).exists():
        return
    position = curriculum.curriculum_courses.count()
    curriculum.curriculum_courses.add(CurriculumCourse(course=course, required=True, sort_order=position))
    curriculum.save_revision().publish()
    for record in CurriculumRecord.objects.filter(curriculum=curriculum).select_related("user"):
        record_refresh(user=record.user, curriculum=curriculum)


def demo_drills_delete() -> None:
    """The drill course with its lessons, scenarios (runs cascade) and the scenarios' revisions;
    after the demo curriculum, which refers to the course."""
    for course in CoursePage.objects.filter(slug=DRILL_COURSE["slug"]):
        for scenario in Scenario.objects.filter(lesson__in=LessonPage.objects.child_of(course)):
            Revision.objects.for_instance(scenario).delete()
        course_delete(course)
