"""Reads for learning pages. Each returns plain data built from a fixed number of queries,
whatever the number of courses, lessons and progress rows."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, Q, Sum
from django.urls import reverse
from django.utils import timezone

from people.identity_cache import unit_path_of
from people.models import User
from people.selectors import unit_paths_above

from .content_cache import content_cached
from .fragments import fingerprint
from .models import (
    Assignment,
    CourseEnrollment,
    CoursePage,
    CreditBasis,
    CreditHourEntry,
    CreditRule,
    CurriculumCourse,
    CurriculumPage,
    HoursRequirement,
    LessonPage,
    LessonProgress,
    video_required_seconds,
)
from .routing import live_page


@dataclass(frozen=True)
class LessonLink:
    """What navigation shows of a lesson, read without loading the page and its body."""

    pk: int
    title: str
    url: str
    estimated_minutes: int


@dataclass
class LessonState:
    lesson: LessonLink
    status: str  # "not_started" | "in_progress" | "completed"
    active_seconds: int = 0
    video_position: int = 0  # furthest point credited
    video_duration: int = 0
    video_resume_at: int = 0  # where the player was left

    @property
    def video_required_seconds(self) -> int:
        return video_required_seconds(self.video_duration)


@dataclass
class CourseProgress:
    course: CoursePage
    lessons_total: int
    lessons_completed: int
    completed: bool
    required: bool = True

    @property
    def url(self) -> str:
        return page_url(self.course.url_path)

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return round(100 * self.lessons_completed / self.lessons_total) if self.lessons_total else 0


@dataclass
class CurriculumProgress:
    curriculum: object
    due_date: date | None  # the official's own: their assignment's, or the curriculum's
    courses: list[CourseProgress] = field(default_factory=list)
    hours_earned: Decimal = Decimal("0")  # on the curriculum page only
    assigned: bool = True

    @property
    def url(self) -> str:
        return page_url(self.curriculum.url_path)

    @property
    def percent(self) -> int:
        required = [c for c in self.courses if c.required] or self.courses
        total = sum(c.lessons_total for c in required)
        done = sum(c.lessons_total if c.completed else c.lessons_completed for c in required)
        return round(100 * done / total) if total else 0

    @property
    def completed(self) -> bool:
        return all(c.completed for c in self.courses if c.required)

    @property
    def overdue(self) -> bool:
        return bool(self.due_date and not self.completed and self.due_date < timezone.localdate())


@dataclass
class LearnerHome:
    curricula: list[CurriculumProgress]
    other_courses: list[CourseProgress]
    hours_this_year: Decimal
    hours_required: Decimal
    continue_lesson: LessonLink | None

    @property
    def hours_percent(self) -> int:
        if not self.hours_required:
            return 100
        return min(100, round(100 * self.hours_this_year / self.hours_required))


def assignments_for(*, user: User) -> list[Assignment]:
    """Assignments that reach the user through their unit (or a unit above it) and position."""
    unit_path = unit_path_of(user)
    if not unit_path:
        return []
    paths = unit_paths_above(unit_path)
    candidates = content_cached(
        f"assignments:{unit_path}",
        lambda: list(
            Assignment.objects.filter(units__path__in=paths, curriculum__live=True)
            .select_related("curriculum")
            .distinct()
            .order_by("due_date")
        ),
    )
    titles = {user.position, user.rank} - {""}
    return [a for a in candidates if not a.position_list() or titles & set(a.position_list())]


def hours_required_for(*, user: User) -> Decimal:
    """The yearly requirement for the user's position or rank, or the site default."""
    requirement = content_cached(
        f"hours-required:{fingerprint(user.position, user.rank)}",
        lambda: (
            HoursRequirement.objects.filter(position_or_rank__in=[user.position, user.rank])
            .order_by("-hours")
            .values_list("hours", flat=True)
            .first()
        ),
    )
    return requirement if requirement is not None else Decimal(settings.YEARLY_CREDIT_HOURS)


def credit_rule_in_force() -> CreditRule:
    """Today's crediting rule, with its conversion table when it converts study time (the same
    for everyone: from the content cache, which a change to any rule or band refreshes)."""

    def rule_in_force():
        rule = CreditRule.objects.in_force()
        measured = rule.basis == CreditBasis.MEASURED
        rule.band_list = sorted(rule.bands.all(), key=lambda band: band.min_minutes) if measured else []
        return rule

    return content_cached(f"credit-rule:{timezone.localdate().isoformat()}", rule_in_force)


def live_titles(model: type[CoursePage] | type[CurriculumPage]) -> list[tuple[int, str]]:
    """(id, title) of every live course or curriculum, by title: what filter forms offer, the
    same for everyone (from the content cache)."""
    return content_cached(
        f"live-titles:{model._meta.label_lower}",
        lambda: list(model.objects.live().order_by("title").values_list("pk", "title")),
    )


def hours_earned(*, user: User, year: int) -> Decimal:
    total = CreditHourEntry.objects.filter(user=user, year=year).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def course_progress_map(
    *, user: User, courses: list[CoursePage], completed_course_ids: set[int] | None = None
) -> dict[int, CourseProgress]:
    """Progress per course: the courses' live lessons (the same for everyone: from the content
    cache), the official's completed lessons in them, and their completed courses (one query
    each, the latter unless the caller read them: `completed_course_ids`)."""
    if not courses:
        return {}
    course_ids = sorted(course.pk for course in courses)
    live_lessons = content_cached(
        f"live-lessons-by-course:{fingerprint(course_ids)}", lambda: _live_lessons_by_course(courses)
    )
    lesson_course = {lesson: course_id for course_id, lessons in live_lessons.items() for lesson in lessons}
    completed_counts = dict.fromkeys(course_ids, 0)
    completed = LessonProgress.objects.filter(user=user, completed_at__isnull=False)
    for lesson_id in completed.values_list("lesson_id", flat=True):
        if lesson_id in lesson_course:
            completed_counts[lesson_course[lesson_id]] += 1
    if completed_course_ids is None:
        completed_course_ids = set(
            CourseEnrollment.objects.filter(
                user=user, course_id__in=course_ids, completed_at__isnull=False
            ).values_list("course_id", flat=True)
        )
    return {
        course.pk: CourseProgress(
            course=course,
            lessons_total=len(live_lessons[course.pk]),
            lessons_completed=completed_counts[course.pk],
            completed=course.pk in completed_course_ids,
        )
        for course in courses
    }


def _live_lessons_by_course(courses: list[CoursePage]) -> dict[int, frozenset[int]]:
    """{course id: its live lessons' ids}, in one query over the courses' children."""
    by_path = {course.path: course.pk for course in courses}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    lessons: dict[int, set[int]] = {course.pk: set() for course in courses}
    for lesson_id, path in LessonPage.objects.live().filter(condition).values_list("pk", "path"):
        lessons[by_path[path[: -LessonPage.steplen]]].add(lesson_id)
    return {course_id: frozenset(ids) for course_id, ids in lessons.items()}


def own_due_dates(assignments: list[Assignment]) -> dict[int, tuple[CurriculumPage, date | None]]:
    """{curriculum id: (curriculum, the official's deadline)}: the earliest due date of the
    assignments reaching them. The one deadline shown to the official everywhere (home and
    curriculum page); the curriculum's own deadline only where no assignment sets one."""
    due: dict[int, tuple[CurriculumPage, date | None]] = {}
    for assignment in assignments:
        curriculum = assignment.curriculum
        current = due.get(curriculum.pk)
        if current is None or (
            assignment.due_date and (current[1] is None or assignment.due_date < current[1])
        ):
            due[curriculum.pk] = (curriculum, assignment.due_date)
    return {pk: (curriculum, day or curriculum.deadline) for pk, (curriculum, day) in due.items()}


def curricula_progress(
    *,
    user: User,
    due_by_curriculum: dict[int, tuple[CurriculumPage, date | None]],
    extra_course_ids=(),
    completed_course_ids: set[int] | None = None,
) -> tuple[list[CurriculumProgress], dict[int, CourseProgress], set[int]]:
    """Each curriculum with the official's progress in its live courses (and the progress of
    the live ones among `extra_course_ids`), in a fixed number of queries; also the ids of the
    curricula's courses."""
    links = content_cached(
        f"curriculum-courses:{fingerprint(sorted(due_by_curriculum))}",
        lambda: list(
            CurriculumCourse.objects.filter(curriculum_id__in=due_by_curriculum, course__live=True)
            .select_related("course")
            .order_by("curriculum_id", "sort_order")
        ),
    )
    courses = {link.course.pk: link.course for link in links}
    for course_id in extra_course_ids:
        if course_id not in courses and (course := live_page(course_id, CoursePage)) is not None:
            courses[course_id] = course
    progress = course_progress_map(
        user=user, courses=list(courses.values()), completed_course_ids=completed_course_ids
    )
    curricula = []
    for curriculum_id, (curriculum, due_date) in due_by_curriculum.items():
        item = CurriculumProgress(curriculum=curriculum, due_date=due_date)
        for link in links:
            if link.curriculum_id == curriculum_id:
                base = progress[link.course.pk]
                item.courses.append(
                    CourseProgress(
                        course=base.course,
                        lessons_total=base.lessons_total,
                        lessons_completed=base.lessons_completed,
                        completed=base.completed,
                        required=link.required,
                    )
                )
        curricula.append(item)
    return curricula, progress, {link.course.pk for link in links}


def learner_home(*, user: User) -> LearnerHome:
    """我的学习: assigned curricula with deadlines and progress, other enrolled courses,
    this year's hours against the requirement, and where to continue."""
    enrolments = CourseEnrollment.objects.filter(user=user).order_by("-enrolled_at")
    enrolled = dict(enrolments.values_list("course_id", "completed_at"))  # latest first
    curricula, progress, in_curricula = curricula_progress(
        user=user,
        due_by_curriculum=own_due_dates(assignments_for(user=user)),
        extra_course_ids=enrolled,
        completed_course_ids={course_id for course_id, completed in enrolled.items() if completed},
    )
    other_courses = [progress[pk] for pk in enrolled if pk not in in_curricula and pk in progress]
    continue_lesson = continue_lesson_for(user=user)
    if continue_lesson is None:
        # Every lesson seen is done: offer the next one, from the curricula (soonest due
        # first), then the courses begun outside them.
        unfinished = [
            c for item in sorted(curricula, key=_due_order) for c in item.courses if not c.completed
        ]
        unfinished += [c for c in other_courses if not c.completed]
        continue_lesson = next_lesson_in(user=user, course=unfinished[0].course) if unfinished else None
    return LearnerHome(
        curricula=curricula,
        other_courses=other_courses,
        hours_this_year=hours_earned(user=user, year=timezone.localdate().year),
        hours_required=hours_required_for(user=user),
        continue_lesson=continue_lesson,
    )


def _due_order(item: CurriculumProgress) -> tuple:
    return (item.due_date is None, item.due_date or date.max)


def next_lesson_in(*, user: User, course: CoursePage) -> LessonLink | None:
    """The course's first live lesson the official has not completed."""
    done = LessonProgress.objects.filter(user=user, course=course, completed_at__isnull=False)
    row = (
        LessonPage.objects.child_of(course)
        .live()
        .exclude(pk__in=done.values("lesson_id"))
        .order_by("path")
        .values_list("pk", "title", "url_path", "estimated_minutes")
        .first()
    )
    return _link(row) if row else None


def curriculum_learning(*, user: User, curriculum: CurriculumPage) -> CurriculumProgress:
    """The official's own view of a curriculum: their deadline (their assignment's, or the
    curriculum's), their progress in each course, and the hours its courses credited them."""
    assigned = [a for a in assignments_for(user=user) if a.curriculum_id == curriculum.pk]
    due = own_due_dates(assigned).get(curriculum.pk, (curriculum, curriculum.deadline))
    curricula, _progress, course_ids = curricula_progress(user=user, due_by_curriculum={curriculum.pk: due})
    item = curricula[0]
    item.hours_earned = CreditHourEntry.objects.filter(user=user, course_id__in=course_ids).aggregate(
        total=Sum("hours")
    )["total"] or Decimal("0")
    item.assigned = bool(assigned)
    return item


def page_url(url_path: str) -> str:
    """The URL of a page in the course tree, whose catalogue is the site root (courses.setup)."""
    return reverse("wagtail_serve", args=[url_path.split("/", 2)[2]])


def continue_lesson_for(*, user: User) -> LessonLink | None:
    """The unfinished lesson the user saw last, if any."""
    row = (
        LessonProgress.objects.filter(user=user, completed_at__isnull=True, lesson__live=True)
        .order_by("-last_seen_at")
        .values_list("lesson_id", "lesson__title", "lesson__url_path", "lesson__estimated_minutes")
        .first()
    )
    return _link(row) if row else None


def course_lessons(*, course: CoursePage) -> list[LessonLink]:
    """The course's live lessons in order (the same for every official: from the cache)."""

    def rows():
        lessons = LessonPage.objects.child_of(course).live().order_by("path")
        return list(lessons.values_list("pk", "title", "url_path", "estimated_minutes"))

    return [_link(row) for row in content_cached(f"lessons:{course.pk}", rows)]


def lesson_states(*, user: User, course: CoursePage) -> list[LessonState]:
    """The course's live lessons in order, each with the user's state (two queries)."""
    rows = {
        row[0]: row[1:]
        for row in LessonProgress.objects.filter(user=user, course=course).values_list(
            "lesson_id",
            "completed_at",
            "active_seconds",
            "video_position",
            "video_duration",
            "video_resume_at",
        )
    }
    states = []
    for lesson in course_lessons(course=course):
        row = rows.get(lesson.pk)
        if row is None:
            states.append(LessonState(lesson=lesson, status="not_started"))
            continue
        completed_at, active_seconds, video_position, video_duration, video_resume_at = row
        states.append(
            LessonState(
                lesson=lesson,
                status="completed" if completed_at else "in_progress",
                active_seconds=active_seconds,
                video_position=video_position,
                video_duration=video_duration,
                video_resume_at=video_resume_at,
            )
        )
    return states


def course_progress(*, user: User, course: CoursePage, states: list[LessonState]) -> CourseProgress:
    """The course's progress from the user's lesson states and their enrolment."""
    completed = CourseEnrollment.objects.filter(user=user, course=course, completed_at__isnull=False).exists()
    return CourseProgress(
        course=course,
        lessons_total=len(states),
        lessons_completed=sum(state.status == "completed" for state in states),
        completed=completed,
    )


@dataclass
class CourseLearning:
    """Where one official stands in a course, for its page."""

    lesson_states: list[LessonState]
    progress: CourseProgress
    next_lesson: LessonLink | None


def course_learning(*, user: User, course: CoursePage) -> CourseLearning:
    """The syllabus with the official's state of each lesson, their progress, and the lesson to
    continue with (the first not completed)."""
    states = lesson_states(user=user, course=course)
    return CourseLearning(
        lesson_states=states,
        progress=course_progress(user=user, course=course, states=states),
        next_lesson=next(
            (state.lesson for state in states if state.status != "completed"),
            states[0].lesson if states else None,
        ),
    )


@dataclass
class CourseOutcome:
    """Where an official stands after a step in a course (a quiz passed): for the next step."""

    course: CoursePage
    completed: bool
    hours: Decimal | None  # credited for the course and its passed exam, once completed
    next_lesson: LessonLink | None  # the first lesson not completed


def course_outcome(*, user: User, course: CoursePage) -> CourseOutcome:
    learning = course_learning(user=user, course=course)
    hours = CreditHourEntry.objects.filter(user=user, course=course).aggregate(total=Sum("hours"))["total"]
    return CourseOutcome(
        course=course,
        completed=learning.progress.completed,
        hours=hours,
        next_lesson=next((s.lesson for s in learning.lesson_states if s.status != "completed"), None),
    )


@dataclass
class LessonLearning:
    """Where one official stands at a lesson, for its page: done or not, and its neighbours."""

    lesson_states: list[LessonState]
    completed: bool
    previous_lesson: LessonLink | None
    next_lesson: LessonLink | None
    state: LessonState | None = None  # this lesson's


def lesson_learning(*, user: User, lesson: LessonPage, course: CoursePage) -> LessonLearning:
    states = lesson_states(user=user, course=course)
    position = next((index for index, state in enumerate(states) if state.lesson.pk == lesson.pk), None)
    return LessonLearning(
        lesson_states=states,
        completed=position is not None and states[position].status == "completed",
        state=states[position] if position is not None else None,
        previous_lesson=states[position - 1].lesson if position else None,
        next_lesson=states[position + 1].lesson
        if position is not None and position + 1 < len(states)
        else None,
    )


def _link(row) -> LessonLink:
    pk, title, url_path, minutes = row
    return LessonLink(pk=pk, title=title, url=page_url(url_path), estimated_minutes=minutes)


def curriculum_completed(*, user: User, curriculum) -> bool:
    """All required courses completed (final exams included) and enough elective hours."""
    links = list(CurriculumCourse.objects.filter(curriculum=curriculum).select_related("course"))
    if not links:
        return False
    completed = set(
        CourseEnrollment.objects.filter(
            user=user, course_id__in=[link.course_id for link in links], completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    if any(link.required and link.course_id not in completed for link in links):
        return False
    # The hours the completed electives credited (by the crediting rule of their day).
    electives = [link.course_id for link in links if not link.required and link.course_id in completed]
    entries = CreditHourEntry.objects.filter(user=user, course_id__in=electives)
    elective_hours = entries.aggregate(total=Sum("hours"))["total"] if electives else None
    return (elective_hours or Decimal("0")) >= curriculum.elective_hours_required


def curricula_containing(*, course: CoursePage) -> list:
    """Live curricula that list the course, required or elective."""
    return list(CurriculumPage.objects.live().filter(curriculum_courses__course=course).distinct())


@dataclass
class CurriculumStudy:
    """What an official has done towards a curriculum, from the learning events."""

    course_ids: list[int]
    required_ids: list[int]  # every course when none is marked required
    completed_ids: set[int]
    first_opened_at: object  # datetime | None
    hours: Decimal


def curriculum_study(*, user: User, curriculum: CurriculumPage) -> CurriculumStudy:
    """Courses, completions, first study and credited hours for one official and curriculum:
    four indexed queries."""
    links = list(CurriculumCourse.objects.filter(curriculum=curriculum).values_list("course_id", "required"))
    course_ids = [course_id for course_id, _required in links]
    completed = set(
        CourseEnrollment.objects.filter(
            user=user, course_id__in=course_ids, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    first = LessonProgress.objects.filter(user=user, course_id__in=course_ids).aggregate(
        first=Min("first_opened_at")
    )
    hours = CreditHourEntry.objects.filter(user=user, course_id__in=course_ids).aggregate(total=Sum("hours"))
    return CurriculumStudy(
        course_ids=course_ids,
        required_ids=[course_id for course_id, required in links if required] or course_ids,
        completed_ids=completed,
        first_opened_at=first["first"],
        hours=hours["total"] or Decimal("0"),
    )


def curriculum_hours(*, user: User, curriculum: CurriculumPage) -> Decimal:
    """The hours credited for the curriculum's courses."""
    course_ids = CurriculumCourse.objects.filter(curriculum=curriculum).values("course_id")
    total = CreditHourEntry.objects.filter(user=user, course_id__in=course_ids).aggregate(total=Sum("hours"))
    return total["total"] or Decimal("0")


def learners_among(*, user_ids, curriculum_id: int | None = None) -> set[int]:
    """Which of these officials have opened a lesson (of the curriculum's courses, if given)."""
    progress = LessonProgress.objects.filter(user_id__in=user_ids)
    if curriculum_id is not None:
        progress = progress.filter(
            course_id__in=CurriculumCourse.objects.filter(curriculum_id=curriculum_id).values("course_id")
        )
    return set(progress.values_list("user_id", flat=True).distinct())


def curriculum_learners(*, curriculum_id: int):
    """The ids of officials who have opened a lesson of the curriculum's courses, as a subquery."""
    course_ids = CurriculumCourse.objects.filter(curriculum_id=curriculum_id).values("course_id")
    return LessonProgress.objects.filter(course_id__in=course_ids).values("user_id")


def assignments_reaching(*, unit_paths) -> dict[str, list[tuple[int, date, list[str]]]]:
    """The assignments naming these units: unit path → (curriculum id, due date, positions)."""
    reaching: dict[str, list[tuple[int, date, list[str]]]] = {}
    rows = Assignment.objects.filter(units__path__in=unit_paths).values_list(
        "units__path", "curriculum_id", "due_date", "positions"
    )
    for path, curriculum_id, due_date, positions in rows:
        reaching.setdefault(path, []).append((curriculum_id, due_date, Assignment.split_positions(positions)))
    return reaching


def course_id_of(lesson: LessonPage) -> int | None:
    """The id of the lesson's course (its parent page), live or not."""
    parent = CoursePage.objects.filter(path=lesson.path[: -LessonPage.steplen])
    return parent.values_list("pk", flat=True).first()
