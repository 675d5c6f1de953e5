"""Demo curriculum, courses and lessons from `course_texts`, plus assignments and some progress."""

import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from courses import services as course_services
from courses.models import (
    Assignment,
    CompletionRule,
    CourseIndexPage,
    CoursePage,
    CreditHourEntry,
    CurriculumCourse,
    CurriculumPage,
    LessonPage,
    LessonProgress,
)
from courses.setup import course_tree_ensure
from demo import media
from demo.course_texts import COURSES, CURRICULUM
from people.models import OrgUnit, User
from records.services import assignment_records_create

CURRICULUM_SLUG = "xinmeiti-qunzhong-gongzuo"
# The first lesson of the first course teaches with the demo video and completes by watching it.
VIDEO_LESSON = (0, 0)
DEMO_MIN_STUDY_SECONDS = 30
ELECTIVE_CATEGORIES = {"e_government"}


def demo_courses_load() -> dict[str, int]:
    """Create what is missing of the demo catalogue; return how many pages were created."""
    catalogue = course_tree_ensure()
    created = 0
    courses = []
    for course_index, spec in enumerate(COURSES):
        course = CoursePage.objects.filter(slug=spec["slug"]).first()
        if course is None:
            course = course_create(catalogue, spec)
            created += 1
        courses.append(course)
        for lesson_index, lesson_spec in enumerate(spec["lessons"]):
            if not LessonPage.objects.child_of(course).filter(slug=lesson_spec["slug"]).exists():
                video = (course_index, lesson_index) == VIDEO_LESSON
                rule = CompletionRule.VIDEO if video else CompletionRule.READ
                lesson_create(course, spec, lesson_spec, completion_rule=rule, video=video)
                created += 1
    curriculum = CurriculumPage.objects.filter(slug=CURRICULUM_SLUG).first()
    if curriculum is None:
        curriculum = _curriculum_create(catalogue, courses)
        created += 1
    _assignments_ensure(curriculum)
    return {"pages": created}


def demo_progress_load() -> None:
    """Give the named official and a few demo officials some history, through the services."""
    courses = list(CoursePage.objects.filter(slug__in=[c["slug"] for c in COURSES]).order_by("path"))
    if not courses:
        return
    now = timezone.now()
    plans = {
        # employee ID: (lessons completed in order, one more lesson only opened)
        "official": (1, True),
        "D0003": (4, True),
        "D0007": (18, False),
        "D0011": (2, False),
        "D0015": (7, True),
    }
    lessons = [
        lesson for course in courses for lesson in LessonPage.objects.child_of(course).live().order_by("path")
    ]
    for employee_id, (completed, opened) in plans.items():
        user = User.objects.filter(employee_id=employee_id).first()
        if user is None or LessonProgress.objects.filter(user=user).exists():
            continue
        for offset, lesson in enumerate(lessons[:completed]):
            when = now - timedelta(days=20 - offset % 20, minutes=offset)
            progress = course_services.lesson_open(user=user, lesson=lesson, now=when)
            LessonProgress.objects.filter(pk=progress.pk).update(
                active_seconds=lesson.min_study_seconds + 60 * (offset % 5 + 1)
            )
            course_services.lesson_complete(progress=progress, now=when + timedelta(minutes=12))
        if opened and completed < len(lessons):
            course_services.lesson_open(user=user, lesson=lessons[completed], now=now - timedelta(hours=3))


def demo_courses_delete() -> None:
    for curriculum in CurriculumPage.objects.filter(slug=CURRICULUM_SLUG):
        Assignment.objects.filter(curriculum=curriculum).delete()
        curriculum.delete()
    for course in CoursePage.objects.filter(slug__in=[c["slug"] for c in COURSES]):
        course_delete(course)


def course_delete(course: CoursePage) -> None:
    """A demo course with the credit hours it gave: in real use a credited course is never deleted
    (the ledger protects it); the demo's reset deletes both."""
    CreditHourEntry.objects.filter(course=course).delete()
    course.delete()


def _publish(page):
    page.save_revision().publish()
    return page


def course_create(catalogue: CourseIndexPage, spec: dict) -> CoursePage:
    """A published course from its spec (course_texts' shape), with a drawn cover."""
    cover = media.picture(title=f"{spec['title']} 封面", category=spec["category"])
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        objectives="\n".join(spec["objectives"]),
        credit_hours=Decimal(str(spec["credit_hours"])),
        category=spec["category"],
        cover_image=cover,
    )
    catalogue.add_child(instance=course)
    return _publish(course)


def lesson_create(
    course: CoursePage, course_spec: dict, spec: dict, *, completion_rule: str, video: bool = False
) -> LessonPage:
    """A published lesson from its spec; `video` adds the demo video and a printable checklist."""
    body = [_block(course_spec, spec, block) for block in spec["body"]]
    if video:
        poster = media.picture(title=f"{spec['title']} 视频封面", category=course_spec["category"], variant=1)
        body.insert(
            1,
            {
                "type": "video",
                "value": {
                    "video": media.video().pk,
                    "poster": poster.pk,
                    "caption": "演示视频（20 秒）",
                    "captions": media.captions().pk,
                },
            },
        )
        checklist = media.text_document(
            title=f"{spec['title']} 学习清单",
            lines=[
                f"{i}. {title}" for i, (kind, title) in enumerate(spec["body"], start=1) if kind == "heading"
            ],
        )
        body.append(
            {"type": "document", "value": {"document": checklist.pk, "description": "可打印的学习清单"}}
        )
    lesson = LessonPage(
        title=spec["title"],
        slug=spec["slug"],
        body=json.dumps(body),
        estimated_minutes=spec["minutes"],
        completion_rule=completion_rule,
        min_study_seconds=DEMO_MIN_STUDY_SECONDS,
    )
    course.add_child(instance=lesson)
    return _publish(lesson)


def _block(course_spec: dict, lesson_spec: dict, block: tuple) -> dict:
    kind, value = block
    if kind == "heading":
        return {"type": "heading", "value": {"text": value, "level": "h2"}}
    if kind == "image":
        image = media.picture(
            title=f"{lesson_spec['title']}：{value['drawing']}", category=course_spec["category"], variant=2
        )
        return {"type": "image", "value": {"image": image.pk, "caption": value["caption"]}}
    return {"type": kind, "value": value}


def _curriculum_create(catalogue: CourseIndexPage, courses: list[CoursePage]) -> CurriculumPage:
    electives = [c for c in courses if c.category in ELECTIVE_CATEGORIES]
    curriculum = CurriculumPage(
        title=CURRICULUM["title"],
        slug=CURRICULUM_SLUG,
        description=f"<p>{CURRICULUM['description']}</p>",
        elective_hours_required=sum((c.credit_hours for c in electives), Decimal("0")),
        deadline=timezone.localdate() + timedelta(days=60),
    )
    for order, course in enumerate(courses):
        curriculum.curriculum_courses.add(
            CurriculumCourse(course=course, required=course not in electives, sort_order=order)
        )
    catalogue.add_child(instance=curriculum)
    return _publish(curriculum)


def _assignments_ensure(curriculum: CurriculumPage) -> None:
    today = timezone.localdate()
    plans = [
        # (unit code, due in days): the 网信办 (with `official`) has time; the city is overdue.
        ("WXB", 30),
        ("ZWFW", 45),
        ("CITY", -5),
    ]
    for code, days in plans:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or Assignment.objects.filter(curriculum=curriculum, units=unit).exists():
            continue
        assignment = Assignment.objects.create(curriculum=curriculum, due_date=today + timedelta(days=days))
        assignment.units.set([unit])
        assignment_records_create(assignment=assignment)
