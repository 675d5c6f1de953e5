from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from . import admin_views
from .admin_forms import QuestionForm, QuizForm
from .choosers import question_chooser_viewset
from .models import Question, QuestionBank, Quiz


class LinksColumn(Column):
    """A column of admin links built per row by `links(instance)`."""

    def __init__(self, name, label, links):
        super().__init__(name, label=label)
        self.links = links

    def get_value(self, instance):
        links = self.links(instance)
        template = " · ".join('<a href="{}">{}</a>' for _link in links)
        return format_html(template, *[part for url, text in links for part in (url, text)])


def bank_links(bank):
    return [
        (reverse("quizzes_bank_import", args=[bank.pk]), _("Import")),
        (reverse("quizzes_bank_export", args=[bank.pk, "xlsx"]), "XLSX"),
        (reverse("quizzes_bank_export", args=[bank.pk, "csv"]), "CSV"),
        (reverse("quizzes_bank_export", args=[bank.pk, "xml"]), "Moodle XML"),
        (reverse("question:list") + f"?bank={bank.pk}", _("Questions")),
    ]


def quiz_links(quiz):
    return [(reverse("quizzes_quiz_stats", args=[quiz.pk]), _("Statistics"))]


class QuestionBankViewSet(ModelViewSet):
    model = QuestionBank
    url_prefix = "question-banks"
    icon = "folder-inverse"
    menu_label = _("Question banks")
    list_display = ["name", LinksColumn("links", _("Actions"), bank_links)]
    search_fields = ["name"]


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Deleting a live question takes it out of officials' quizzes: only those who may publish
    questions may do it. A trainer deletes drafts that never went live."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if "delete" in actions and instance.live and not self.user_has_permission(user, "publish"):
            actions = [action for action in actions if action != "delete"]
        return self.user_has_any_permission(user, actions)


register_permission_policy(Question, QuestionPermissionPolicy(Question))


class QuestionDeleteView(DeleteView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(request.user, "delete", self.object):
            raise PermissionDenied


class QuestionViewSet(SnippetViewSet):
    """Questions are snippets with drafts and revisions: a change reaches officials when a
    reviewer approves a course whose quizzes use the question (courses.review)."""

    model = Question
    edit_handler = ObjectList(
        [*Question.panels[:4], FieldPanel("true_false_answer"), *Question.panels[4:]],
        base_form_class=QuestionForm,
    )
    delete_view_class = QuestionDeleteView
    url_prefix = "questions"
    url_namespace = "question"
    menu_item_is_registered = True
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "bank", "type", "difficulty", "score", LiveStatusTagColumn()]
    list_filter = ["bank", "type", "difficulty"]
    search_fields = ["stem", "explanation"]


class QuizViewSet(SnippetViewSet):
    """Quizzes are snippets so that they have drafts, revisions, locking and the course review
    workflow, as pages do (quizzes.review)."""

    model = Quiz
    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizForm)
    url_prefix = "quizzes"
    url_namespace = "quiz"
    # Listed in the quizzes menu group, not under Snippets.
    menu_item_is_registered = True
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = [
        "title",
        "lesson",
        "course",
        "pass_mark",
        LiveStatusTagColumn(),
        LinksColumn("links", _("Actions"), quiz_links),
    ]
    search_fields = ["title"]


class QuizzesViewSetGroup(ViewSetGroup):
    menu_label = _("Quizzes")
    menu_icon = "tasks"
    menu_order = 300
    items = (QuestionBankViewSet, QuestionViewSet, QuizViewSet)


@hooks.register("register_admin_viewset")
def register_quiz_viewsets():
    return QuizzesViewSetGroup()


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [
        path("question-banks/<int:bank_id>/import/", admin_views.bank_import, name="quizzes_bank_import"),
        path(
            "question-banks/<int:bank_id>/export.<str:file_format>",
            admin_views.bank_export,
            name="quizzes_bank_export",
        ),
        path(
            "question-template.<str:file_format>",
            admin_views.question_template,
            name="quizzes_question_template",
        ),
        path("quizzes/<int:quiz_id>/statistics/", admin_views.quiz_stats, name="quizzes_quiz_stats"),
        path(
            "quizzes/<int:quiz_id>/statistics.csv", admin_views.quiz_stats_csv, name="quizzes_quiz_stats_csv"
        ),
    ]
