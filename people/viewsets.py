"""Wagtail admin screens for people, org units and login events."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from . import services
from .models import LoginEvent, OrgUnit

PERSON_FIELDS = {"full_name", "org_unit", "position", "rank", "phone", "managed_units"}


class PersonFieldsMixin(forms.Form):
    # Wagtail's forms declare first and last names; our people have one full name.
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("email"))


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


class UserViewSet(WagtailUserViewSet):
    create_template_name = "people/users/create.html"
    edit_template_name = "people/users/edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm


class OrgUnitForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        label=_("parent unit"),
        help_text=_("Leave empty for a top-level unit."),
    )

    class Meta:
        model = OrgUnit
        fields = ["name", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            # A unit cannot move below itself.
            self.fields["parent"].queryset = OrgUnit.objects.exclude(
                path__startswith=self.instance.path
            ).order_by("path")


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.org_unit_create(name=data["name"], code=data["code"], parent=data["parent"])


class OrgUnitEditView(generic.EditView):
    def save_instance(self):
        return services.org_unit_update(
            unit=self.form.instance,
            name=self.form.cleaned_data["name"],
            code=self.form.cleaned_data["code"],
            parent=self.form.cleaned_data["parent"],
        )


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    url_prefix = "units"
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
    icon = "group"
    menu_label = _("Org units")
    ordering = "path"
    list_display = ["name", "code", Column("depth", label=_("level"))]
    search_fields = ["name", "code"]
    inspect_view_enabled = False

    def get_form_class(self, for_update=False):
        return OrgUnitForm


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Lets holders of the view permission browse; nobody may add, change or delete."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


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
