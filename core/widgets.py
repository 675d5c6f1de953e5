"""Form widgets."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

SELECTED = " selected"


class NativeDateInput(forms.DateInput):
    """A browser's date picker. It takes ISO dates only, whatever the language (zh-hans would
    render 2026/11/20, which the picker drops, showing an empty field)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A single-choice <select> written directly from its choices.

    Django builds a dictionary per option and renders each through its own template, and
    format_html checks each value: on HR's filter (hundreds of units and courses) that was most
    of the page's time. Keys and labels are escaped as Django escapes them, by the function its
    own escape() wraps (without making each a SafeString). Flat choices only (no option groups).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(key)}"{SELECTED if key in chosen else ""}>{escape(str(label))}</option>'
            for key, label in ((str(key), label) for key, label in self.choices)
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 - every key and label escaped above
        )


class _LabelChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.labels is not None:
            yield from self.field.labels
        else:
            yield from self.queryset.values_list("pk", self.field.label_field)


class LightModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices read two columns, not whole objects (a Wagtail page
    carries its content), shown in a LongSelect; the chosen value is still a model instance,
    checked against the queryset.

    `labels`, when set, are the (pk, label) pairs the select shows instead of reading them from
    the queryset: a cached copy of the same rows."""

    iterator = _LabelChoiceIterator
    widget = LongSelect

    def __init__(self, queryset, *, label_field: str, **kwargs):
        self.label_field = label_field
        self.labels: list[tuple[int, str]] | None = None
        super().__init__(queryset, **kwargs)
