from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage, CoursePage, CurriculumPage, LessonPage


class CourseTreeRulesTests(WagtailPageTestCase):
    def test_catalogue_holds_courses_and_curricula(self):
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage, CurriculumPage})
        self.assertAllowedParentPageTypes(CourseIndexPage, {Page})

    def test_courses_hold_lessons_only(self):
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})

    def test_lessons_and_curricula_are_leaves(self):
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedSubpageTypes(CurriculumPage, set())
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})

    def test_one_catalogue_is_the_site_root_after_migrate(self):
        catalogue = CourseIndexPage.objects.get()
        self.assertEqual(catalogue.get_site().root_page_id, catalogue.pk)
        self.assertEqual(catalogue.url, "/courses/")
        self.assertFalse(CourseIndexPage.can_create_at(Page.get_first_root_node()))
