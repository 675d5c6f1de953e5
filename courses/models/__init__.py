from .assignments import Assignment, HoursRequirement
from .media import MediaDuration
from .pages import (
    Category,
    CompletionRule,
    CourseIndexPage,
    CoursePage,
    CurriculumCourse,
    CurriculumPage,
    LessonPage,
)
from .progress import (
    CourseEnrollment,
    CreditHourEntry,
    LessonProgress,
    StudyFocus,
    video_required_seconds,
)
from .review import CourseSubmission

__all__ = [
    "Assignment",
    "Category",
    "CompletionRule",
    "CourseEnrollment",
    "CourseIndexPage",
    "CoursePage",
    "CourseSubmission",
    "CreditHourEntry",
    "CurriculumCourse",
    "CurriculumPage",
    "HoursRequirement",
    "LessonPage",
    "LessonProgress",
    "MediaDuration",
    "StudyFocus",
    "video_required_seconds",
]
