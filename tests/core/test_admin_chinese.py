"""Every string a trainer or reviewer sees in the admin is Chinese in zh-hans: the pages they
work in are walked and their visible text (and the labels, tooltips and placeholders a
screen reader or a hover shows) checked for English left untranslated."""

import json
import re
from html.parser import HTMLParser

import polib
import pytest

from django.urls import reverse

from core.wagtail_catalogue import DOMAINS, catalogue_path, wagtail_untranslated
from courses.models import CourseIndexPage
from courses.setup import review_workflow
from people import roles
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db

# Names and formats that are the same in Chinese.
PROPER_NAMES = {
    "Wagtail",
    "CSV",
    "XLSX",
    "GIFT",
    "Aiken",
    "Moodle",
    "Moodle GIFT",
    "Moodle XML",
    "Word",
    "XML",
    "PDF",
    "URL",
    "MB",
    "AVIF",
    "GIF",
    "JPG",
    "JPEG",
    "PNG",
    "WEBP",
    "SVG",
    "WebVTT",
    "localhost",
    "English",  # the language's own name, in the language picker
}
SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "data-w-tooltip-content-value")
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ '’,.:;!?…()/-]+[A-Za-z]+)*")


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
NOT_WORDS = re.compile(r"https?://\S+|(?<![A-Za-z])\.[A-Za-z0-9]+\b")  # URLs, file extensions


class ShownText(HTMLParser):
    """The text a person can see or hear: outside scripts, templates and `hidden` elements,
    plus the attributes shown as labels, tooltips and placeholders."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.texts: list[str] = []

    @property
    def hidden(self) -> bool:
        return any(hides for _tag, hides in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if not self.hidden:
            self.texts += [attributes[name] for name in SHOWN_ATTRIBUTES if attributes.get(name)]
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, tag in HIDDEN_ELEMENTS or "hidden" in attributes))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if not self.hidden:
            self.texts.append(data)


def english_in(html: str) -> set[str]:
    parser = ShownText()
    parser.feed(html)
    found = set()
    for text in parser.texts:
        for line in NOT_WORDS.sub(" ", text).splitlines():
            for match in ENGLISH.findall(line):
                words = match.strip(" ,.:;!?…()/-")
                if words and not set(re.split(r"[ ,/]+", words)) <= PROPER_NAMES:
                    found.add(words)
    return found


@pytest.fixture
def authoring():
    course = course_factories.course()
    lesson = course_factories.lesson(course)
    bank = factories.bank(name="辟谣题库")
    question = factories.question(bank)
    quiz = factories.quiz(questions=[question], lesson=lesson)
    quiz.save_revision().publish()
    quiz.pass_mark = 80
    quiz.save_revision()
    question.explanation = "依据课程第二课。"
    question.save_revision()  # a change to a live question, awaiting review
    in_review = course_factories.course(title="审核中的课程")
    in_review.save_revision()
    review_workflow().start(in_review, UserFactory(trainer=True))
    return {
        "course": course,
        "lesson": lesson,
        "bank": bank,
        "question": question,
        "quiz": quiz,
        "in_review": in_review,
    }


def trainer_pages(authoring) -> list[str]:
    catalogue = CourseIndexPage.objects.get()
    course, lesson, quiz = authoring["course"], authoring["lesson"], authoring["quiz"]
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[catalogue.pk]),
        reverse("wagtailadmin_explore", args=[course.pk]),
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        # Locked while in review: the lock's banner and the action menu.
        reverse("wagtailadmin_pages:edit", args=[authoring["in_review"].pk]),
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]),
        reverse("wagtailadmin_pages:history", args=[lesson.pk]),
        reverse("courses_course_stats", args=[course.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add"),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add"),
        reverse("questionbank:index"),
        reverse("questionbank:add"),
        reverse("question:list"),
        reverse("question:add"),
        reverse("question:edit", args=[authoring["question"].pk]),
        reverse("question:history", args=[authoring["question"].pk]),
        reverse("quiz:list"),
        reverse("quiz:add"),
        reverse("quiz:edit", args=[quiz.pk]),
        reverse("quiz:history", args=[quiz.pk]),
        reverse("question_chooser:choose"),
        reverse("quizzes_quiz_stats", args=[quiz.pk]),
        reverse("quizzes_bank_import", args=[authoring["bank"].pk]),
        reverse("wagtailadmin_account"),
    ]


def reviewer_pages(authoring) -> list[str]:
    quiz = authoring["quiz"]
    return [
        reverse("wagtailadmin_home"),
        reverse("quiz:list"),
        reverse("quiz:edit", args=[quiz.pk]),
        reverse("quiz:revisions_compare", args=[quiz.pk, "live", "latest"]),
        reverse("question:list"),
        reverse("question:edit", args=[authoring["question"].pk]),
        reverse("question:revisions_compare", args=[authoring["question"].pk, "live", "latest"]),
        reverse("wagtailadmin_reports:workflow"),
        reverse("courses_course_submission", args=[authoring["course"].pk]),
    ]


@pytest.mark.parametrize("role", [roles.TRAINER, roles.REVIEWER])
def test_the_admin_speaks_chinese(client, authoring, role):
    client.force_login(UserFactory(roles=(role,)))
    pages = trainer_pages(authoring) if role == roles.TRAINER else reviewer_pages(authoring)
    untranslated = {}
    for path in pages:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, path
        is_modal = response["Content-Type"].startswith("application/json")  # a chooser
        html = response.json()["html"] if is_modal else response.content.decode()
        for words in english_in(html):
            untranslated.setdefault(words, path)
    assert not untranslated, "English left in the admin:\n" + "\n".join(
        f"{words!r} on {path}" for words, path in sorted(untranslated.items())
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_admin_string_wagtail_leaves_english_is_translated(domain, settings):
    ours = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(catalogue_path(settings.BASE_DIR, domain)))
        if entry.translated()
    }
    missing = [
        entry.msgid for entry in wagtail_untranslated(domain) if (entry.msgctxt, entry.msgid) not in ours
    ]
    assert not missing, f"run `manage.py wagtailmessages` and translate: {missing[:10]}"


def test_the_admin_scripts_get_the_translations_too(client, trainer):
    client.force_login(trainer)
    catalogue = client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert json.dumps("此菜单中有")[1:-1] in catalogue.content.decode()  # as the catalogue escapes it
