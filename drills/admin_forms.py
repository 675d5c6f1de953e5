"""The admin's scenario form, which refuses a drill officials could not play or trainers could not
grade (drills.rules), and the rubric form trainers grade a run with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .rules import scenario_problems


class ScenarioForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        rows = {
            section: _forms_kept(self.formsets.get(section)) for section in ("injects", "tasks", "criteria")
        }
        problems = scenario_problems(
            scenario_hours=cleaned.get("scenario_hours"),
            automatic_weight=cleaned.get("automatic_weight"),
            injects=[form.cleaned_data for form in rows["injects"]],
            tasks=[form.cleaned_data for form in rows["tasks"]],
            criteria=len(rows["criteria"]),
        )
        # A row's problem on its field, where the trainer fixes it, and all of them above the
        # form, since the rows may be collapsed.
        for problem in problems:
            if problem.section is not None:
                rows[problem.section][problem.index].add_error(problem.field, problem.message)
            self.add_error(None, problem.message)
        return cleaned


def _forms_kept(formset) -> list:
    """The rows of an inline formset that are filled in and not marked for deletion, in the
    order the page shows them; read even when the formset as a whole is refused, so that the
    form's own checks still say what is wrong."""
    if formset is None:
        return []
    formset.is_valid()  # cleans every row
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class GradingForm(forms.Form):
    """A level and a comment for each criterion of the run's frozen rubric, and an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The official reads it in the debrief."),
    )

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            key = criterion["key"]
            self.fields[f"level_{key}"] = forms.TypedChoiceField(
                label=criterion["name"],
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(index, level["name"]) for index, level in enumerate(criterion["levels"])],
                error_messages={
                    "required": _("Choose a level for “%(criterion)s”.") % {"criterion": criterion["name"]}
                },
            )
            self.fields[f"comment_{key}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion["name"]},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_rows(self) -> list[dict]:
        """For the template: each criterion with its radio buttons beside their levels."""
        return [
            {
                "criterion": criterion,
                "level": self[f"level_{criterion['key']}"],
                "levels": list(zip(self[f"level_{criterion['key']}"], criterion["levels"], strict=True)),
                "comment": self[f"comment_{criterion['key']}"],
            }
            for criterion in self.criteria
        ]

    def grades(self) -> dict:
        """The grades as drills.services.runs.run_grade takes them."""
        return {
            criterion["key"]: {
                "level": self.cleaned_data[f"level_{criterion['key']}"],
                "comment": self.cleaned_data[f"comment_{criterion['key']}"],
            }
            for criterion in self.criteria
        }
