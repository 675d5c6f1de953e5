"""Admin screens for the learning rules that are not pages."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.views.generic import DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import CreditBasis, CreditRule, HoursRequirement


class HoursRequirementViewSet(ModelViewSet):
    model = HoursRequirement
    url_prefix = "hours-requirements"
    icon = "time"
    menu_label = _("Yearly hours")
    form_fields = ["position_or_rank", "hours"]
    list_display = ["position_or_rank", "hours"]


class CreditRuleForm(WagtailAdminModelForm):
    """A version takes effect today or later: hours credited before were credited by the
    versions then in force, and stay so."""

    def clean_effective_from(self):
        effective_from = self.cleaned_data["effective_from"]
        if effective_from != self.instance.effective_from and effective_from < timezone.localdate():
            raise forms.ValidationError(
                _("A new version takes effect today or later; hours already credited keep their rule.")
            )
        return effective_from

    def is_valid(self):
        # The conversion table is a formset, validated after the form's own clean().
        valid = super().is_valid()
        if valid and self.cleaned_data.get("basis") == CreditBasis.MEASURED:
            bands = self.formsets["bands"]
            kept = [
                form
                for form in bands.forms
                if form not in bands.deleted_forms and (form.instance.pk is not None or form.has_changed())
            ]
            if not kept:
                self.add_error(
                    None, _("Measured study time needs a conversion table: add at least one band.")
                )
                return False
        return valid

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit)


class UsedRuleRefused:
    """A version that credited hours is the record of how they were credited: it is shown, not
    changed nor deleted; the administrator adds a new version instead."""

    def dispatch(self, request, *args, **kwargs):
        rule = CreditRule.objects.filter(pk=kwargs.get("pk")).first()
        if rule is not None and rule.entries.exists():
            messages.warning(
                request,
                _(
                    "This version has credited hours and cannot change; "
                    "add a new version with the date it takes effect."
                ),
            )
            return redirect("credit_rules:inspect", rule.pk)
        return super().dispatch(request, *args, **kwargs)


class CreditRuleEditView(UsedRuleRefused, EditView):
    pass


class CreditRuleDeleteView(UsedRuleRefused, DeleteView):
    pass


class CreditRuleViewSet(ModelViewSet):
    model = CreditRule
    url_prefix = "credit-rules"
    url_namespace = "credit_rules"
    icon = "list-ol"
    menu_label = _("Crediting rules")
    edit_view_class = CreditRuleEditView
    delete_view_class = CreditRuleDeleteView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["effective_from", "basis", "test_bonus", "daily_cap", "note"]
    inspect_view_fields = [
        "effective_from",
        "basis",
        "test_bonus",
        "daily_cap",
        "offline_second_approval_above",
        "note",
        "created_at",
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("effective_from"), FieldPanel("basis")]),
            InlinePanel("bands", heading=_("Conversion of measured study time"), label=_("Band")),
            FieldRowPanel([FieldPanel("test_bonus"), FieldPanel("daily_cap")]),
            FieldPanel("offline_second_approval_above"),
            FieldPanel("note"),
        ],
        base_form_class=CreditRuleForm,
    )
