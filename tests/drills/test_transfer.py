"""A scenario exported as a file and imported as a new draft: the round trip keeps everything, a
bad file is refused with every reason and its item's number, and nothing is written."""

import io
import json

import pytest
from PIL import Image as PILImage

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from wagtail.images.models import Image
from wagtail.models import Collection

from courses.models import CompletionRule
from drills.models import Scenario
from drills.services.scenarios import scenario_import
from drills.transfer import ScenarioFileError, scenario_export, scenario_file_write
from people import roles
from tests.courses import factories as course_factories
from tests.drills import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def image(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (180, 35, 42)).save(buffer, format="PNG")
    return Image.objects.create(
        collection=Collection.get_first_root_node(),
        title=title,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.png"),
    )


@pytest.fixture
def scenario(db):
    """The factories' scenario with an image on its forged notice and a level share of 62.5 %."""
    item = factories.scenario()
    forged = item.injects.get(at_minutes=96)
    forged.image = image("网传通报截图")
    forged.save()
    criterion = item.criteria.get(name="回应关切")
    criterion.levels = "优秀|100|完全做到\n较好|62.5|大体做到\n差|0|没有做到"
    criterion.save()
    item.save_revision().publish()
    return Scenario.objects.get(pk=item.pk)


def new_lesson(title="第二课 演练"):
    return course_factories.lesson(
        course_factories.course(title="舆情应对进阶"), title=title, rule=CompletionRule.DRILL
    )


def test_export_then_import_then_export_gives_the_same_file(scenario, trainer):
    exported = scenario_export(scenario)
    assert exported["format"] == "drill-scenario" and exported["version"] == 1
    assert exported["clock_start"] == "2026-06-12T07:40:00+08:00"
    assert exported["injects"][1]["image"] == "网传通报截图"
    assert exported["injects"][3]["questions"] == ["有没有学生住院？", "检测结果什么时候出来？"]
    assert exported["tasks"][1]["key_facts"] == ["停止供餐|暂停供餐", "送检&结果"]
    assert exported["criteria"][1]["levels"][1] == {"name": "较好", "share": 62.5, "description": "大体做到"}

    lesson = new_lesson()
    imported = scenario_import(data=scenario_file_write(scenario), lesson=lesson, user=trainer)
    assert imported.warnings == []
    copy = Scenario.objects.get(pk=imported.scenario.pk)
    assert copy.pk != scenario.pk and copy.lesson_id == lesson.pk
    assert not copy.live and copy.latest_revision_id is not None  # a new draft, for review
    assert copy.injects.get(at_minutes=96).image.title == "网传通报截图"
    assert scenario_export(copy) == exported


def test_the_file_is_utf8_json_named_after_the_scenario(client, scenario, trainer):
    client.force_login(trainer)
    response = client.get(reverse("drills_scenario_export", args=[scenario.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "食堂食品安全谣言" in response.content.decode("utf-8")  # not \u escapes
    assert json.loads(response.content) == scenario_export(scenario)


def test_a_trainer_imports_a_file_as_a_draft_on_a_lesson_without_a_drill(client, scenario, trainer):
    lesson = new_lesson()
    client.force_login(trainer)
    form = client.get(reverse("drills_scenario_import"))
    choices = [choice for choice, _label in form.context["form"].fields["lesson"].choices if choice]
    assert lesson.pk in [choice.value for choice in choices]
    assert scenario.lesson_id not in [choice.value for choice in choices]
    assert "舆情应对进阶 › 第二课 演练" in form.content.decode()  # each lesson with its course

    upload = SimpleUploadedFile(
        "食堂.drill.json", scenario_file_write(scenario), content_type="application/json"
    )
    response = client.post(reverse("drills_scenario_import"), {"file": upload, "lesson": lesson.pk})
    copy = Scenario.objects.get(lesson=lesson)
    assert response.status_code == 302 and response["Location"] == reverse("scenario:edit", args=[copy.pk])
    assert not copy.live and copy.injects.count() == 4 and copy.tasks.count() == 3


def test_an_image_not_in_the_library_is_left_out_with_a_warning(scenario, trainer):
    data = scenario_export(scenario)
    data["injects"][1]["image"] = "别处的截图"
    imported = scenario_import(data=json.dumps(data).encode(), lesson=new_lesson(), user=trainer)
    assert imported.scenario.injects.get(at_minutes=96).image is None
    assert len(imported.warnings) == 1 and "别处的截图" in imported.warnings[0]


def item(section, number):
    return gettext(section) % {"number": number}


def changed(scenario, change):
    data = scenario_export(scenario)
    change(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def drop(key, section=None, index=None):
    def change(data):
        del (data[section][index] if section else data)[key]

    return change


def put(key, value, section=None, index=None):
    def change(data):
        (data[section][index] if section else data)[key] = value

    return change


@pytest.mark.parametrize(
    ("data", "where", "says"),
    [
        (lambda s: "食堂".encode("gbk"), None, "UTF-8"),
        (lambda s: b'{"format": "drill-scenario", "version": 1,', None, "JSON"),
        (lambda s: b"[1, 2]", None, "drill-scenario"),
        (lambda s: changed(s, put("format", "quiz")), None, "drill-scenario"),
        (lambda s: changed(s, put("version", 2)), None, "2"),
        (lambda s: changed(s, drop("title")), "Scenario", "title"),
        (lambda s: changed(s, put("scenario_hours", "48小时")), "Scenario", "scenario_hours"),
        (lambda s: changed(s, put("clock_start", "6月12日")), "Scenario", "clock_start"),
        (lambda s: changed(s, drop("text", "injects", 2)), ("Inject %(number)d", 3), "text"),
        (lambda s: changed(s, put("kind", "tweet", "injects", 1)), ("Inject %(number)d", 2), "kind"),
        (lambda s: changed(s, put("veracity", "maybe", "injects", 0)), ("Inject %(number)d", 1), "veracity"),
        (
            lambda s: changed(s, put("questions", "有没有？", "injects", 3)),
            ("Inject %(number)d", 4),
            "questions",
        ),
        (
            lambda s: changed(s, put("due_at_minutes", -5, "tasks", 0)),
            ("Task %(number)d", 1),
            "due_at_minutes",
        ),
        (lambda s: changed(s, put("colour", "red", "tasks", 1)), ("Task %(number)d", 2), "colour"),
        (
            lambda s: changed(s, put("levels", [{"name": "优", "share": 100}], "criteria", 0)),
            ("Criterion %(number)d", 1),
            "",
        ),
        (
            lambda s: changed(
                s, put("levels", [{"name": "优", "share": 150}, {"name": "差", "share": 0}], "criteria", 1)
            ),
            ("Criterion %(number)d", 2),
            "share",
        ),
        # The scenario's own rules: a task due after the end, a rubric missing.
        (lambda s: changed(s, put("due_at_minutes", 5000, "tasks", 2)), ("Task %(number)d", 3), "5000"),
        (lambda s: changed(s, put("criteria", [])), None, "100"),
    ],
)
def test_a_bad_file_is_refused_with_every_reason_and_nothing_written(scenario, trainer, data, where, says):
    lesson = new_lesson()
    with pytest.raises(ScenarioFileError) as refused:
        scenario_import(data=data(scenario), lesson=lesson, user=trainer)
    problems = refused.value.problems
    assert problems
    if where == "Scenario":
        assert any(problem.startswith(gettext("Scenario")) and says in problem for problem in problems), (
            problems
        )
    elif where is not None:
        label = gettext(where[0]) % {"number": where[1]}
        assert any(problem.startswith(label) and says in problem for problem in problems), problems
    else:
        assert any(says in problem for problem in problems), problems
    assert Scenario.objects.count() == 1
    assert not Scenario.objects.filter(lesson=lesson).exists()


def test_every_problem_of_a_file_is_listed_on_the_page(client, scenario, trainer):
    data = scenario_export(scenario)
    data["injects"][0]["kind"] = "tweet"
    data["tasks"][1]["weight"] = "重要"
    client.force_login(trainer)
    upload = SimpleUploadedFile("bad.json", json.dumps(data).encode(), content_type="application/json")
    response = client.post(reverse("drills_scenario_import"), {"file": upload, "lesson": new_lesson().pk})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert len(problems) == 2
    assert problems[0].startswith(item("Inject %(number)d", 1)) and problems[1].startswith(
        item("Task %(number)d", 2)
    )
    assert Scenario.objects.count() == 1


def test_a_lesson_that_has_a_drill_is_refused(scenario, trainer):
    with pytest.raises(ScenarioFileError):
        scenario_import(data=scenario_file_write(scenario), lesson=scenario.lesson, user=trainer)
    assert Scenario.objects.count() == 1


def test_only_trainers_import_and_only_drill_staff_export(client, scenario, official, hr_user):
    export = reverse("drills_scenario_export", args=[scenario.pk])
    for user in (official, hr_user):
        client.force_login(user)
        assert client.get(export).status_code in (302, 403)
        assert client.get(reverse("drills_scenario_import")).status_code in (302, 403)
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    assert client.get(export).status_code == 200
    upload = SimpleUploadedFile("a.json", scenario_file_write(scenario), content_type="application/json")
    response = client.post(reverse("drills_scenario_import"), {"file": upload, "lesson": new_lesson().pk})
    assert response.status_code in (302, 403) and Scenario.objects.count() == 1
