from .assignments import Assignment, HoursRequirement
from .credit import FIRST_RULE_DATE, CreditBand, CreditBasis, CreditRule
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
    LAST_SEEN_STEP,
    CourseEnrollment,
    CreditHourEntry,
    CreditSource,
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
    "CreditBand",
    "CreditBasis",
    "CreditHourEntry",
    "CreditRule",
    "CreditSource",
    "FIRST_RULE_DATE",
    "CurriculumCourse",
    "CurriculumPage",
    "HoursRequirement",
    "LAST_SEEN_STEP",
    "LessonPage",
    "LessonProgress",
    "MediaDuration",
    "StudyFocus",
    "video_required_seconds",
]
