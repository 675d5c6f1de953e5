from .assignments import Assignment, HoursRequirement
from .media import MediaDuration, video_required_seconds
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
