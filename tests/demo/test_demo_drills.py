"""The demo's two drills: complete scenarios an official can take, whose model answers pass the
scenario's own automatic checks, in a course of the demo curriculum."""

import io

from django.core.management import call_command
from django.test import TestCase

from courses.models import CompletionRule, CoursePage, CurriculumCourse, CurriculumPage, LessonPage
from demo.courses import CURRICULUM_SLUG
from demo.drill_texts import DRILL_COURSE
from drills.checks import fact_found, forbidden_found, text_length
from drills.models import DrillRun, ForbiddenExpression, IncidentLevel, InjectKind, RunStatus, Scenario
from drills.rubric import levels_read
from drills.script import script_freeze
from drills.services.runs import run_start
from people.models import User
from records.models import CurriculumRecord

CRITERIA = ["及时性", "准确性", "回应关切", "语气与态度", "口径一致", "谣言处置"]
# The State Council's deadline for the first response (国办发〔2016〕61号), in scenario minutes.
FIRST_RESPONSE_DUE = {IncidentLevel.GENERAL: 48 * 60, IncidentLevel.MAJOR: 5 * 60}


def load_demo_data(*options):
    call_command("load_demo_data", *options, stdout=io.StringIO())


def demo_scenarios():
    slugs = [lesson["slug"] for lesson in DRILL_COURSE["lessons"]]
    return list(Scenario.objects.filter(lesson__slug__in=slugs).order_by("lesson__path"))


class DemoDrillsTests(TestCase):
    """The demo data is loaded once for the class (it is slow); each test runs in a savepoint."""

    @classmethod
    def setUpTestData(cls):
        load_demo_data()

    def test_both_scenarios_are_live_with_at_least_ten_injects(self):
        scenarios = demo_scenarios()

        self.assertEqual(len(scenarios), 2)
        for scenario in scenarios:
            self.assertTrue(scenario.live)
            self.assertIsNotNone(scenario.live_revision)
            self.assertGreaterEqual(scenario.injects.count(), 10)
            self.assertEqual(scenario.lesson.completion_rule, CompletionRule.DRILL)
            self.assertTrue(scenario.lesson.live)

    def test_every_written_task_has_key_facts_found_in_its_own_model_answer(self):
        for scenario in demo_scenarios():
            for task in scenario.tasks.all():
                with self.subTest(scenario=scenario.title, task=task.kind):
                    self.assertTrue(task.model_answer.strip())
                    self.assertLessEqual(task.min_chars, text_length(task.model_answer))
                    self.assertLessEqual(text_length(task.model_answer), task.max_chars)
                    if task.kind != "verify":
                        self.assertGreaterEqual(len(task.key_fact_list()), 5)
                    facts = task.key_fact_list()
                    self.assertEqual([fact for fact in facts if not fact_found(fact, task.model_answer)], [])

    def test_no_model_answer_uses_a_forbidden_expression(self):
        forbidden = list(ForbiddenExpression.objects.filter(active=True).values("phrase", "reason"))
        self.assertGreaterEqual(len(forbidden), 10)

        for scenario in demo_scenarios():
            for task in scenario.tasks.all():
                with self.subTest(scenario=scenario.title, task=task.kind):
                    self.assertEqual(forbidden_found(forbidden, task.model_answer), [])

    def test_deadlines_follow_the_state_councils_rules(self):
        for scenario in demo_scenarios():
            tasks = {task.kind: task for task in scenario.tasks.all()}
            with self.subTest(scenario=scenario.title):
                self.assertEqual(set(tasks) - {"statement"}, {"verify", "response", "brief"})
                due = FIRST_RESPONSE_DUE[scenario.incident_level]
                self.assertEqual(tasks["response"].due_at_minutes, due)
                if scenario.incident_level == IncidentLevel.MAJOR:
                    # The press conference's statement, within 24 hours.
                    self.assertLessEqual(tasks["statement"].due_at_minutes, 24 * 60)
                for task in tasks.values():
                    self.assertLessEqual(task.due_at_minutes, scenario.scenario_minutes)

    def test_each_media_inquiry_asks_four_to_six_questions_before_the_brief_opens(self):
        for scenario in demo_scenarios():
            inquiries = list(scenario.injects.filter(kind=InjectKind.INQUIRY))
            brief = scenario.tasks.get(kind="brief")
            with self.subTest(scenario=scenario.title):
                self.assertEqual(len(inquiries), 1)
                self.assertIn(len(inquiries[0].question_list()), range(4, 7))
                self.assertEqual(brief.opens_at_minutes, inquiries[0].at_minutes)

    def test_every_inject_to_judge_says_the_facts_that_decide_it(self):
        for scenario in demo_scenarios():
            judged = scenario.injects.exclude(veracity="")
            with self.subTest(scenario=scenario.title):
                self.assertEqual(
                    set(judged.values_list("veracity", flat=True)), {"true", "false", "unverifiable"}
                )
                self.assertFalse(judged.filter(facts="").exists())

    def test_the_rubric_has_the_six_criteria_with_three_or_four_levels(self):
        for scenario in demo_scenarios():
            criteria = list(scenario.criteria.order_by("sort_order"))
            with self.subTest(scenario=scenario.title):
                self.assertEqual([criterion.name for criterion in criteria], CRITERIA)
                self.assertEqual(sum(criterion.weight for criterion in criteria), 100)
                for criterion in criteria:
                    self.assertIn(len(levels_read(criterion.levels)), (3, 4))
                self.assertEqual((scenario.pass_mark, scenario.max_attempts), (60, 3))
                self.assertEqual(scenario.automatic_weight, 40)

    def test_each_script_freezes_and_official_can_start_a_run(self):
        official = User.objects.get(employee_id="official")

        for scenario in demo_scenarios():
            with self.subTest(scenario=scenario.title):
                script = script_freeze(scenario)
                self.assertEqual(len(script["injects"]), scenario.injects.count())
                self.assertEqual(len(script["criteria"]), len(CRITERIA))
                run = run_start(user=official, scenario=scenario)
                self.assertEqual((run.status, run.number), (RunStatus.OPEN, 1))
                self.assertEqual(run.script["title"], scenario.title)

    def test_the_course_is_a_required_course_of_the_demo_curriculum(self):
        curriculum = CurriculumPage.objects.get(slug=CURRICULUM_SLUG)
        course = CoursePage.objects.get(slug=DRILL_COURSE["slug"])

        entry = CurriculumCourse.objects.get(curriculum=curriculum, course=course)

        self.assertTrue(entry.required)
        self.assertEqual(entry.sort_order, curriculum.curriculum_courses.count() - 1)
        self.assertTrue(course.live)
        self.assertEqual(course.credit_hours, DRILL_COURSE["credit_hours"])
        self.assertEqual(LessonPage.objects.child_of(course).live().count(), 2)

    def test_official_reaches_the_course_from_the_curriculum_page(self):
        curriculum = CurriculumPage.objects.get(slug=CURRICULUM_SLUG)
        course = CoursePage.objects.get(slug=DRILL_COURSE["slug"])
        self.client.force_login(User.objects.get(employee_id="official"))

        response = self.client.get(curriculum.url)
        course_page = self.client.get(course.url)

        self.assertContains(response, f'href="{course.url}"')
        for lesson in LessonPage.objects.child_of(course):
            self.assertContains(course_page, lesson.url)
            self.assertEqual(self.client.get(lesson.url).status_code, 200)

    def test_loading_again_duplicates_nothing(self):
        counts = (Scenario.objects.count(), CurriculumCourse.objects.count(), CoursePage.objects.count())

        load_demo_data()

        self.assertEqual(
            (Scenario.objects.count(), CurriculumCourse.objects.count(), CoursePage.objects.count()), counts
        )

    def test_reset_loads_the_drills_again_and_drops_the_runs(self):
        official = User.objects.get(employee_id="official")
        run_start(user=official, scenario=demo_scenarios()[0])

        load_demo_data("--reset")

        self.assertEqual(len(demo_scenarios()), 2)
        self.assertFalse(DrillRun.objects.exists())
        curriculum = CurriculumPage.objects.get(slug=CURRICULUM_SLUG)
        course = CoursePage.objects.get(slug=DRILL_COURSE["slug"])
        self.assertTrue(CurriculumCourse.objects.filter(curriculum=curriculum, course=course).exists())
        # The records counted the drill course among the required ones from the start.
        self.assertTrue(CurriculumRecord.objects.filter(curriculum=curriculum).exists())
