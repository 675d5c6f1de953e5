"""The admin's question and quiz forms: a question must be answerable and a draw possible
before either is saved (quizzes.rules; a quiz's draw is checked as a course's review checks it,
quizzes.selectors.draw_problems)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .importing.columns import FALSE_LABEL, TRUE_LABEL
from .importing.types import TRUE_FALSE
from .models import AcceptedAnswer, Choice, DrawRule, Question
from .rules import question_problems, weights_problem
from .selectors import draw_facts, draw_problems


def _kept(formset) -> list[dict]:
    """The cleaned rows of an inline formset that are filled in and not marked for deletion.
    Rows are read even when the formset as a whole is refused (a duplicate row), so that the
    form's own checks still say what is wrong."""
    return [form.cleaned_data for form in _forms_kept(formset) if form.has_changed() | bool(form.instance.pk)]


class QuestionForm(WagtailAdminModelForm):
    # True/false questions need no typed options: the answer picked here makes 正确 and 错误.
    true_false_answer = forms.ChoiceField(
        label=_("Correct answer (true/false)"),
        choices=[("", "—"), ("true", TRUE_LABEL), ("false", FALSE_LABEL)],
        required=False,
        help_text=_("For true/false questions: the options 正确 and 错误 are made from it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.type == TRUE_FALSE:
            correct = self.instance.choices.filter(is_correct=True).values_list("text", flat=True).first()
            self.fields["true_false_answer"].initial = {TRUE_LABEL: "true", FALSE_LABEL: "false"}.get(
                correct, ""
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == TRUE_FALSE and cleaned.get("true_false_answer"):
            return cleaned  # its options are made on saving
        rows = _kept(self.formsets.get("choices"))
        options = [(row.get("text", "").strip(), bool(row.get("is_correct"))) for row in rows]
        problem = weights_problem(
            type=cleaned.get("type"),
            weights=[row.get("weight") for row in rows],
            ticks=[bool(row.get("is_correct")) for row in rows],
        )
        if problem:
            self.add_error(None, problem)
        # What grading will accept: at least one answer worth full marks.
        rules = [
            rule
            for line in (cleaned.get("accepted_answers") or "").splitlines()
            if (rule := AcceptedAnswer.read(line))
        ]
        accepted = [rule.text for rule in rules if rule.weight >= 100]
        for problem in question_problems(
            type=cleaned.get("type"), options=options, accepted_answers=accepted
        ):
            self.add_error(None, problem)
        return cleaned

    def save(self, commit=True):
        # The options go into the question's cluster, not the table: a change to a live
        # question is saved as a revision only, until it is approved.
        question = super().save(commit=False)
        answer = self.cleaned_data.get("true_false_answer")
        if question.type == TRUE_FALSE and answer:
            question.choices = [
                Choice(text=text, is_correct=correct, sort_order=order)
                for order, (text, correct) in enumerate(
                    [(TRUE_LABEL, answer == "true"), (FALSE_LABEL, answer == "false")]
                )
            ]
        if commit:
            question.save()
            self.save_m2m()
        return question


class QuizForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        # The posted values: Django's duplicate check drops a repeated row's question from its
        # cleaned data.
        fixed_rows = [
            int(value)
            for form in _forms_kept(self.formsets.get("fixed_questions"))
            if str(value := form["question"].value() or "").isdigit()
        ]
        fixed = set(fixed_rows)
        if len(fixed) < len(fixed_rows):
            self.add_error(None, _("A question is among the fixed questions twice; remove one."))
        rule_forms = [
            form
            for form in _forms_kept(self.formsets.get("draw_rules"))
            if form.cleaned_data.get("bank") and form.cleaned_data.get("count")
        ]
        if not fixed and not rule_forms:
            self.add_error(None, _("Add at least one fixed question or one draw rule."))
        rules = [
            DrawRule(
                bank=row["bank"],
                tag=row.get("tag") or "",
                difficulty=row.get("difficulty"),
                count=row["count"],
            )
            for row in (form.cleaned_data for form in rule_forms)
        ]
        banks = {rule.bank_id: rule.bank.name for rule in rules}
        problems = draw_problems(
            rules,
            questions=draw_facts(Question.objects.filter(bank_id__in=banks)),
            fixed=fixed,
            bank_names=banks,
        )
        # Each rule's own problem on its row, then those of a bank's rules together.
        for index, _bank, problem in sorted(problems, key=lambda found: (found[0] is None, found[0] or 0)):
            if index is not None:
                rule_forms[index].add_error("count", problem)
            self.add_error(None, problem)
        return cleaned


def _forms_kept(formset) -> list:
    if formset is None:
        return []
    formset.is_valid()  # cleans every row
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]
