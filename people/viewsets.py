"""Wagtail admin screens for people, org units and login events."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Group
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users

from audit.admin_views import AuditedChangeMixin, AuditedDeleteMixin, AuditedReadMixin
from audit.models import AuditAction
from audit.services import audit_record

from . import roles, selectors, services
from .models import LoginEvent, OrgUnit

PERSON_FIELDS = {"full_name", "org_unit", "position", "rank", "phone", "managed_units"}


class PersonFieldsMixin(forms.Form):
    # Wagtail's forms declare first and last names; our people have one full name.
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("email"))

    def __init__(self, *args, editor=None, editing_self=False, **kwargs):
        super().__init__(*args, **kwargs)
        # MLPS level 3 separates duties: site administrators keep people's details, security
        # administrators grant roles, and nobody changes their own roles. Superusers (for
        # emergencies) may do both.
        if editor is None or editor.is_superuser:
            keep = None
        elif roles.is_security_admin(editor):
            keep = {"groups", "is_active"}
        else:
            keep = set(self.fields) - {"groups", "is_superuser"}
        if editing_self:
            keep = (keep if keep is not None else set(self.fields)) - {"groups", "is_superuser", "is_active"}
        if keep is not None:
            for name in set(self.fields) - keep:
                del self.fields[name]
        if "groups" in self.fields:
            self.fields["groups"].queryset = Group.objects.order_by("name")


class PersonCreationForm(PersonFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = (UserCreationForm.Meta.fields - {"first_name", "last_name"}) | PERSON_FIELDS
        widgets = {
            **UserCreationForm.Meta.widgets,
            "managed_units": forms.SelectMultiple(attrs={"size": 8}),
        }


class PersonEditForm(PersonFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = (UserEditForm.Meta.fields - {"first_name", "last_name"}) | PERSON_FIELDS
        widgets = {
            **UserEditForm.Meta.widgets,
            "managed_units": forms.SelectMultiple(attrs={"size": 8}),
        }


class PlacementMixin:
    """A new or changed person whose unit, position, rank or active state changed is announced,
    so that HR's records follow them in the same transaction."""

    def save_instance(self):
        instance = super().save_instance()
        if services.PLACEMENT_FIELDS & set(self.form.changed_data):
            services.users_placed(user_ids=[instance.pk])
        return instance


class UserIndexView(AuditedReadMixin, wagtail_users.IndexView):
    pass


class UserCreateView(AuditedChangeMixin, PlacementMixin, wagtail_users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}


class UserEditView(AuditedReadMixin, AuditedChangeMixin, PlacementMixin, wagtail_users.EditView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Wagtail passes editing_self; the form drops the fields one may not change on oneself.
        return {**kwargs, "editor": self.request.user}


class UserDeleteView(AuditedDeleteMixin, wagtail_users.DeleteView):
    pass


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    create_template_name = "people/users/create.html"
    edit_template_name = "people/users/edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm


class GroupCreateView(AuditedChangeMixin, wagtail_groups.CreateView):
    pass


class GroupEditView(AuditedChangeMixin, wagtail_groups.EditView):
    pass


class GroupDeleteView(AuditedDeleteMixin, wagtail_groups.DeleteView):
    pass


class GroupViewSet(wagtail_groups.GroupViewSet):
    """Roles and their permissions: the security administrator's screen; changes are audited."""

    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView


class OrgUnitForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        label=_("parent unit"),
        help_text=_("Leave empty for a top-level unit."),
    )
    confirm_move = forms.BooleanField(
        required=False,
        label=_("I have read what the move changes and want to move the unit"),
    )

    class Meta:
        model = OrgUnit
        fields = ["name", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.move_impact = None
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            # A unit cannot move below itself.
            self.fields["parent"].queryset = OrgUnit.objects.exclude(
                path__startswith=self.instance.path
            ).order_by("path")
        else:
            del self.fields["confirm_move"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk or "parent" not in data:
            return data
        parent = data["parent"]
        if parent != self.instance.get_parent():
            impact = selectors.unit_move_impact(unit=self.instance, parent=parent)
            self.move_impact = impact
            if impact.matters and not data.get("confirm_move"):
                self.add_error("confirm_move", impact.describe())
        return data


class OrgUnitCreateBase(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.org_unit_create(name=data["name"], code=data["code"], parent=data["parent"])


class OrgUnitCreateView(AuditedChangeMixin, OrgUnitCreateBase):
    pass


class OrgUnitEditBase(generic.EditView):
    def save_instance(self):
        unit = services.org_unit_update(
            unit=self.form.instance,
            name=self.form.cleaned_data["name"],
            code=self.form.cleaned_data["code"],
            parent=self.form.cleaned_data["parent"],
        )
        if self.form.move_impact is not None:
            audit_record(
                request=self.request,
                action=AuditAction.MOVE_UNIT,
                object_type="people.orgunit",
                object_ids=[unit.pk],
                detail=self.form.move_impact.describe(),
            )
        return unit


class OrgUnitEditView(AuditedChangeMixin, OrgUnitEditBase):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.UnitError as error:
            form.add_error("parent", error.message)
            return self.form_invalid(form)


class OrgUnitDeleteBase(generic.DeleteView):
    @cached_property
    def impact(self):
        return selectors.unit_delete_impact(unit=self.object)

    @property
    def confirmation_message(self):
        return self.impact.describe()

    def delete_action(self):
        # Through the service: people move to the parent unit and their records follow.
        services.org_unit_delete(unit=self.object)


class OrgUnitDeleteView(AuditedDeleteMixin, OrgUnitDeleteBase):
    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except services.UnitError as error:
            messages.error(self.request, error.message)
            return redirect(self.get_success_url())


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    url_prefix = "units"
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
    delete_view_class = OrgUnitDeleteView
    icon = "group"
    menu_label = _("Org units")
    ordering = "path"
    list_display = ["name", "code", Column("depth", label=_("level"))]
    search_fields = ["name", "code"]
    inspect_view_enabled = False

    def get_form_class(self, for_update=False):
        return OrgUnitForm


class LoginEventViewSet(ModelViewSet):
    model = LoginEvent
    url_prefix = "login-events"
    icon = "key"
    menu_label = _("Login events")
    list_display = [
        "created_at",
        "identifier",
        "user",
        "succeeded",
        "ip_address",
        "path",
    ]
    list_filter = ["succeeded"]
    search_fields = ["identifier", "ip_address"]
    ordering = "-created_at"
    inspect_view_enabled = True
    copy_view_enabled = False
    # Never shown: the read-only permission policy refuses add and change to everyone.
    exclude_form_fields = []


class PeopleViewSetGroup(ViewSetGroup):
    menu_label = _("People and units")
    menu_icon = "group"
    menu_order = 500
    items = (OrgUnitViewSet, LoginEventViewSet)
