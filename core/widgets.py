"""Form widgets."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class NativeDateInput(forms.DateInput):
    """A browser's date picker. It takes ISO dates only, whatever the language (zh-hans would
    render 2026/11/20, which the picker drops, showing an empty field)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A single-choice <select> written directly from its choices.

    Django builds a dictionary per option and renders each through its own template: on HR's
    filter (hundreds of units and courses) that was most of the page's time. Flat choices only
    (no option groups).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, SELECTED if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class _LabelChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_field)


class LightModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices read two columns, not whole objects (a Wagtail page
    carries its content), shown in a LongSelect; the chosen value is still a model instance."""

    iterator = _LabelChoiceIterator
    widget = LongSelect

    def __init__(self, queryset, *, label_field: str, **kwargs):
        self.label_field = label_field
        super().__init__(queryset, **kwargs)
