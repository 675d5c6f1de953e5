"""The trainer's import screen: dry run first, nothing written unless the whole file is valid,
and a confirmed import happens once."""

import io

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from quizzes.models import Question
from quizzes.services import attempt_start, attempt_submit
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db

HEADER = "题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,正确答案,分值,难度,标签,解析"
GOOD_ROWS = [
    "单选,政务微博发布前应当经过几级审核？,一级,二级,三级,,,,C,2,易,账号管理,三级把关",
    "多选,下列属于谣言常见特征的是,情绪煽动,来源不明,官方通报,,,,AB,2,中,谣言,谣言特征",
    "判断,网络空间不是法外之地。,,,,,,,正确,1,易,网络法治,",
    "填空,我国网络安全领域的基础性法律是《____》。,,,,,,,网络安全法|中华人民共和国网络安全法,2,中,网络法治,",
]


@pytest.fixture
def trainer_client(client):
    client.force_login(UserFactory(trainer=True))
    return client


def upload(client, bank, text, name="bank.csv", encoding="utf-8-sig"):
    data = io.BytesIO(text.encode(encoding))
    data.name = name
    return client.post(reverse("quizzes_bank_import", args=[bank.pk]), {"file": data})


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(trainer_client):
    bank = factories.bank()
    bad = "单选,下列哪个正确,甲,乙,,,,,E,1,易,,"
    response = upload(trainer_client, bank, "\n".join([HEADER, *GOOD_ROWS, bad]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "第 6 行" in html
    assert not Question.objects.exists()


def test_a_valid_file_imports_once_after_confirmation(trainer_client):
    bank = factories.bank()
    response = upload(trainer_client, bank, "\n".join([HEADER, *GOOD_ROWS]), encoding="gb18030")
    token = response.context["token"]
    assert not Question.objects.exists()  # the dry run writes nothing
    confirm = reverse("quizzes_bank_import", args=[bank.pk])
    assert trainer_client.post(confirm, {"token": token}).status_code == 302
    assert trainer_client.post(confirm, {"token": token}).status_code == 302  # double click
    assert Question.objects.filter(bank=bank).count() == 4
    fill = Question.objects.get(type="fill")
    assert fill.accepted_answer_list() == ["网络安全法", "中华人民共和国网络安全法"]
    assert list(Question.objects.get(type="multiple").tags.names()) == ["谣言"]


def test_export_writes_the_template_and_reimports(trainer_client):
    bank = factories.bank()
    factories.question(bank, stem="=SUM(A1) 不应被当作公式")
    factories.question(bank, type="fill", accepted=("快报事实",))
    response = trainer_client.get(reverse("quizzes_bank_export", args=[bank.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "题型" and len(rows) == 3
    assert rows[1][1].startswith("'=")
    other = factories.bank()
    data = io.BytesIO(response.content)
    data.name = "export.xlsx"
    token = trainer_client.post(reverse("quizzes_bank_import", args=[other.pk]), {"file": data}).context[
        "token"
    ]
    trainer_client.post(reverse("quizzes_bank_import", args=[other.pk]), {"token": token})
    assert Question.objects.filter(bank=other).count() == 2


def test_templates_download(trainer_client):
    xlsx = trainer_client.get(reverse("quizzes_question_template", args=["xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "题型"
    csv = trainer_client.get(reverse("quizzes_question_template", args=["csv"]))
    assert csv.content.startswith(b"\xef\xbb\xbf")


def test_statistics_show_attempts_and_the_most_chosen_wrong_option(trainer_client):
    bank = factories.bank()
    question = factories.question(bank, options=("先核实", "立即转发", "删除评论"), correct=(0,))
    quiz = factories.quiz(questions=[question], shuffle_options=False)
    wrong = question.choices.get(text="立即转发").pk
    from quizzes.services import attempt_answer_save

    for _ in range(2):
        user = UserFactory(official=True)
        attempt = attempt_start(user=user, quiz=quiz)
        attempt_answer_save(attempt=attempt, question_id=question.pk, response=[wrong])
        attempt_submit(attempt=attempt)
    html = trainer_client.get(reverse("quizzes_quiz_stats", args=[quiz.pk])).content.decode()
    assert "立即转发 (2)" in html
    assert "0%" in html


def test_officials_and_hr_cannot_import(client):
    bank = factories.bank()
    for user in (UserFactory(official=True), UserFactory(hr=True)):
        client.force_login(user)
        assert upload(client, bank, HEADER).status_code in (302, 403)
    assert not Question.objects.exists()


def test_trainer_builds_a_random_draw_quiz_on_a_lesson_in_the_admin(trainer_client):
    from courses.models import CompletionRule
    from quizzes.models import Quiz
    from tests.courses import factories as course_factories

    bank = factories.bank()
    for _ in range(3):
        factories.question(bank, tags=["谣言"])
    lesson = course_factories.lesson(course_factories.course(), rule=CompletionRule.QUIZ)
    data = factories.quiz_form(
        lesson=lesson,
        draw_rules=[{"bank": bank, "tag": "谣言", "count": 2}],
        max_attempts=2,
        time_limit_minutes=10,
    )
    response = trainer_client.post(reverse("quiz:add"), {**data, "action-submit": "submit"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    quiz = Quiz.objects.get(title="辟谣小测")
    assert quiz.lesson_id == lesson.pk and quiz.draw_rules.get().count == 2
    quiz = factories.approve(quiz)
    attempt = attempt_start(user=UserFactory(official=True), quiz=quiz)
    assert attempt.questions.count() == 2


def test_a_quiz_on_both_a_lesson_and_a_course_is_refused(trainer_client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from quizzes.models import Quiz
    from tests.courses import factories as course_factories

    course = course_factories.course()
    lesson = course_factories.lesson(course)
    data = nested_form_data(
        {
            "title": "双重归属",
            "lesson": lesson.pk,
            "course": course.pk,
            "fixed_questions": inline_formset([]),
            "draw_rules": inline_formset([]),
            "pass_mark": 60,
            "cooldown_minutes": 0,
            "review_policy": "after_each",
            "score_policy": "best",
        }
    )
    response = trainer_client.post(reverse("quiz:add"), data)
    assert response.status_code == 200
    assert not Quiz.objects.exists()
