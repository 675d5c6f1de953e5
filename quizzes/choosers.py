"""Choosing a quiz's fixed questions: a chooser that searches question stems and filters by
bank and type, and names each question's bank, instead of one dropdown of every question."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from .models import Question, QuestionBank, QuestionType


class QuestionFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Words in the question")}),
        required=False,
    )
    bank = forms.ModelChoiceField(
        label=_("bank"),
        queryset=QuestionBank.objects.order_by("name"),
        required=False,
        empty_label=_("All banks"),
    )
    type = forms.ChoiceField(
        label=_("type"), choices=[("", _("All types")), *QuestionType.choices], required=False
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            objects = objects.filter(stem__icontains=query)
            self.is_searching = True
            self.search_query = query
        if self.cleaned_data.get("bank"):
            objects = objects.filter(bank=self.cleaned_data["bank"])
        if self.cleaned_data.get("type"):
            objects = objects.filter(type=self.cleaned_data["type"])
        return objects


def question_label(question: Question) -> str:
    return f"{question.bank.name} · {question}"


class QuestionsReaderOnly:
    """Exam questions are for those who author or review quizzes, not every admin user."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("quizzes.view_question"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class QuestionChooseMixin(QuestionsReaderOnly):
    filter_form_class = QuestionFilterForm
    ordering = ["bank__name", "pk"]

    def get_object_list(self):
        return Question.objects.select_related("bank")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("bank", label=_("bank"), accessor=lambda question: question.bank.name),
            Column("type", label=_("type"), accessor="get_type_display"),
            Column("difficulty", label=_("difficulty"), accessor="get_difficulty_display"),
        ]


class QuestionChooseView(QuestionChooseMixin, ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseMixin, ChooseResultsView):
    pass


class QuestionChosenView(QuestionsReaderOnly, ChosenView):
    def get_display_title(self, instance):
        return question_label(instance)


class QuestionChooserWidget(BaseChooser):
    def get_display_title(self, instance):
        return question_label(instance)


class QuestionChooserViewSet(ChooserViewSet):
    model = Question
    icon = "help"
    choose_one_text = _("Choose a question")
    choose_another_text = _("Choose another question")
    per_page = 20
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    base_widget_class = QuestionChooserWidget
    # Every foreign key to a question in the admin (a quiz's fixed questions) uses this chooser.
    register_widget = True


question_chooser_viewset = QuestionChooserViewSet("question_chooser", url_prefix="question-chooser")
