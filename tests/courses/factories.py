"""Builders for the course tree, through Wagtail's page API as trainers' pages are made."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile

from wagtail.documents.models import Document

from courses.models import (
    Assignment,
    CompletionRule,
    CourseIndexPage,
    CoursePage,
    CurriculumCourse,
    CurriculumPage,
    LessonPage,
    MediaDuration,
)
from courses.setup import course_tree_ensure

_counter = {"n": 0}


def _slug(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}-{_counter['n']}"


# A real 20-second MP4 (the demo's): its length is read from the file.
VIDEO_FILE = Path(__file__).resolve().parents[2] / "demo" / "assets" / "demo-lesson.mp4"
VIDEO_SECONDS = 20


def silent_mp3(seconds: int) -> bytes:
    """A real MP3 that plays `seconds` of silence: MPEG-1 Layer III frames of 24 ms (128 kbit/s,
    48 kHz, mono), all zeros after their headers."""
    frame = bytes([0xFF, 0xFB, 0x94, 0xC0]) + bytes(380)
    return frame * (seconds * 1000 // 24)


def video(seconds: int | None = None) -> Document:
    """A video document. `seconds` stands for a longer lecture than the 20-second file, for the
    study rules' tests: it is recorded as the length read from the file."""
    document = Document.objects.create(
        title="讲座视频", file=ContentFile(VIDEO_FILE.read_bytes(), name="lecture.mp4")
    )
    if seconds is not None:
        MediaDuration.objects.update_or_create(
            document=document, defaults={"file_name": document.file.name, "seconds": seconds}
        )
    return document


def catalogue() -> CourseIndexPage:
    return course_tree_ensure()


def course(*, title="政务微博运营", hours="2", category="new_media", publish=True, parent=None) -> CoursePage:
    page = CoursePage(
        title=title, slug=_slug("course"), summary="课程简介", credit_hours=Decimal(hours), category=category
    )
    (parent or catalogue()).add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.unpublish()
    return CoursePage.objects.get(pk=page.pk)


def lesson(
    course_page: CoursePage,
    *,
    title="第一课",
    text="<p>政务微博是发布权威信息的渠道，谣言面前要快报事实。</p>",
    rule=CompletionRule.READ,
    min_seconds=60,
    publish=True,
    video_seconds=None,
) -> LessonPage:
    blocks = [
        {"type": "heading", "value": {"text": title, "level": "h2"}},
        {"type": "paragraph", "value": text},
    ]
    if rule == CompletionRule.VIDEO:  # a video rule needs a video to watch
        document = video(video_seconds)
        blocks.append({"type": "video", "value": {"video": document.pk, "poster": None, "caption": ""}})
    page = LessonPage(
        title=title,
        slug=_slug("lesson"),
        body=json.dumps(blocks),
        completion_rule=rule,
        min_study_seconds=min_seconds,
    )
    CoursePage.objects.get(pk=course_page.pk).add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.unpublish()
    return LessonPage.objects.get(pk=page.pk)


def curriculum(courses, *, electives=(), title="新媒体专题班", deadline=None) -> CurriculumPage:
    page = CurriculumPage(title=title, slug=_slug("curriculum"), deadline=deadline)
    for order, item in enumerate([*courses, *electives]):
        page.curriculum_courses.add(
            CurriculumCourse(course=item, required=item not in electives, sort_order=order)
        )
    catalogue().add_child(instance=page)
    page.save_revision().publish()
    return CurriculumPage.objects.get(pk=page.pk)


def assignment(curriculum_page, *, units, due: date, positions="") -> Assignment:
    item = Assignment.objects.create(curriculum=curriculum_page, due_date=due, positions=positions)
    item.units.set(units)
    return item
