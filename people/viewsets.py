"""Wagtail admin screens for people, org units and login events."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.forms import GroupForm, UserCreationForm, UserEditForm
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction, DeleteBulkAction, SetActiveStateBulkAction

from audit.actions import AuditAction
from audit.admin_views import AuditedChangeMixin, AuditedDeleteMixin, AuditedReadMixin
from audit.services import audit_record

from . import roles, selectors, services
from .models import LoginEvent, OrgUnit, User

PERSON_FIELDS = {"full_name", "org_unit", "position", "rank", "phone", "managed_units"}


def _duties_message(duties) -> str:
    names = "、".join(role for role in roles.ADMIN_DUTIES if role in duties)
    return gettext(
        "One account may hold only one of the system, security and audit administrator duties "
        "(三员分立); these roles together would give it %(duties)s."
    ) % {"duties": names}


class PersonFieldsMixin(forms.Form):
    # Wagtail's forms declare first and last names; our people have one full name.
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("email"))

    def __init__(self, *args, editor=None, editing_self=False, **kwargs):
        super().__init__(*args, **kwargs)
        # MLPS level 3 separates duties: site administrators keep people's details, security
        # administrators grant roles, and nobody changes their own roles. Superusers (for
        # emergencies) may do both. A form that does not know its editor grants nothing.
        if editor is not None and editor.is_superuser:
            keep = None
        elif editor is not None and roles.is_security_admin(editor):
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

    @property
    def password_enabled(self):
        # Wagtail's save() reads the new password whenever passwords are enabled; the security
        # administrator's form has no password fields to read.
        return super().password_enabled and "password1" in self.fields

    def separate_username_field(self):
        # The security administrator's form has no employee ID to show.
        return User.USERNAME_FIELD in self.fields and super().separate_username_field()

    def clean(self):
        data = super().clean()
        if "groups" in self.fields and "groups" in data:
            duties = roles.duties_of(roles.permission_keys_of(groups=data["groups"]))
            if len(duties) > 1:
                self.add_error("groups", _duties_message(duties))
        return data


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


def _refuse(request, obj, reason: str):
    """Write the refusal to the audit log, then answer as Wagtail does to a missing permission."""
    audit_record(
        request=request,
        action=AuditAction.DENIED,
        object_type=obj._meta.label_lower,
        object_ids=[obj.pk],
        result="denied",
        detail=reason,
    )
    raise PermissionDenied(reason)


class UserIndexView(AuditedReadMixin, wagtail_users.IndexView):
    # Wagtail searches username, first and last names; our people have an employee ID and one name.
    search_fields = ["employee_id", "full_name", "email"]


class UserCreateView(AuditedChangeMixin, PlacementMixin, wagtail_users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def save_instance(self):
        instance = super().save_instance()
        if "groups" not in self.form.fields:
            # A site administrator grants no roles; a new person is an official (as onboarding
            # makes them), which carries no permission.
            instance.groups.add(*Group.objects.filter(name=roles.OFFICIAL))
        return instance


class UserEditView(AuditedReadMixin, AuditedChangeMixin, PlacementMixin, wagtail_users.EditView):
    def dispatch(self, request, *args, **kwargs):
        if not roles.may_manage_account(request.user, self.object):
            _refuse(request, self.object, "account of a superuser or of another administrator")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Wagtail passes editing_self; the form drops the fields one may not change on oneself.
        return {**kwargs, "editor": self.request.user}

    def audit_detail(self, instance):
        detail = super().audit_detail(instance)
        if "groups" in self.form.changed_data:
            names = ", ".join(instance.groups.order_by("name").values_list("name", flat=True))
            detail += f"; roles now: {names or '-'}"
        return detail


class UserDeleteView(AuditedDeleteMixin, wagtail_users.DeleteView):
    pass


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    create_template_name = "people/users/create.html"
    edit_template_name = "people/users/edit.html"
    # Wagtail's copy view builds the creation form without knowing who edits; an account is
    # never a template for another anyway.
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm


class _UserBulkActionMixin:
    """Wagtail's bulk actions on people, held to the same rules as the edit form: only accounts
    the editor may manage, and one audit row per action naming everyone it touched."""

    def check_perm(self, obj):
        return super().check_perm(obj) and roles.may_manage_account(self.request.user, obj)

    def get_execution_context(self):
        return {**super().get_execution_context(), "request": self.request}

    @classmethod
    def audit(cls, request, objects, action, detail):
        if not objects:
            return
        audit_record(
            request=request,
            action=action,
            object_type="people.user",
            object_ids=[obj.pk for obj in objects],
            detail=f"bulk {cls.action_type}: {detail}",
        )


class PersonAssignRoleBulkAction(_UserBulkActionMixin, AssignRoleBulkAction):
    """Granting a role in bulk is the security administrator's, never on oneself."""

    def check_perm(self, obj):
        editor = self.request.user
        if not (editor.is_superuser or roles.is_security_admin(editor)) or obj.pk == editor.pk:
            return False
        return super().check_perm(obj)

    def prepare_action(self, objects, objects_without_access):
        role = self.cleaned_form.cleaned_data["role"]
        role_keys = roles.permission_keys_of(groups=[role])
        for person in objects:
            duties = roles.duties_of(roles.permission_keys_of(user=person) | role_keys)
            if len(duties) > 1:
                messages.error(self.request, f"{person}: {_duties_message(duties)}")
                return redirect(self.next_url)
        return None

    @classmethod
    def execute_action(cls, objects, role=None, request=None, **kwargs):
        result = super().execute_action(objects, role=role, **kwargs)
        if role is not None:
            cls.audit(request, objects, AuditAction.CHANGE, f"role {role.name}")
        return result


class PersonActiveStateBulkAction(_UserBulkActionMixin, SetActiveStateBulkAction):
    @classmethod
    def execute_action(cls, objects, mark_as_active=False, request=None, **kwargs):
        result = super().execute_action(objects, mark_as_active=mark_as_active, **kwargs)
        user = kwargs.get("user")
        changed = [obj for obj in objects if user is None or obj.pk != user.pk]
        # The active state decides whom assignments reach: HR's records follow.
        services.users_placed(user_ids=[obj.pk for obj in changed])
        cls.audit(request, changed, AuditAction.CHANGE, f"is_active={mark_as_active}")
        return result


class PersonDeleteBulkAction(_UserBulkActionMixin, DeleteBulkAction):
    @classmethod
    def execute_action(cls, objects, request=None, **kwargs):
        cls.audit(request, objects, AuditAction.DELETE, ", ".join(str(obj) for obj in objects)[:400])
        return super().execute_action(objects, **kwargs)


PERSON_BULK_ACTIONS = (PersonAssignRoleBulkAction, PersonActiveStateBulkAction, PersonDeleteBulkAction)


class RoleGroupForm(GroupForm):
    """A role's permissions: a group may carry at most one administrator's duty, and nobody who
    belongs to it would end up holding two."""

    def clean(self):
        data = super().clean()
        if "permissions" not in data:
            return data
        kept = set()
        if self.instance.pk:
            kept = set(
                self.instance.permissions.exclude(pk__in=self.registered_permissions).values_list(
                    "content_type__app_label", "codename"
                )
            )
        new_keys = kept | {(p.content_type.app_label, p.codename) for p in data["permissions"]}
        duties = roles.duties_of(new_keys)
        if len(duties) > 1:
            self.add_error("permissions", _duties_message(duties))
            return data
        if self.instance.pk and duties:
            for member in self.instance.user_set.all():
                other_groups = member.groups.exclude(pk=self.instance.pk)
                combined = roles.duties_of(roles.permission_keys_of(groups=other_groups) | new_keys)
                if len(combined) > 1:
                    self.add_error("permissions", f"{member}: {_duties_message(combined)}")
                    break
        return data


class _OwnGroupGuardMixin:
    """Nobody changes the roles they hold themselves: editing or deleting a group one belongs
    to would do exactly that (superusers excepted)."""

    def dispatch(self, request, *args, **kwargs):
        group = self.get_object()
        if not request.user.is_superuser and request.user.groups.filter(pk=group.pk).exists():
            _refuse(request, group, "a group the editor belongs to")
        return super().dispatch(request, *args, **kwargs)


class GroupCreateView(AuditedChangeMixin, wagtail_groups.CreateView):
    pass


class GroupEditView(_OwnGroupGuardMixin, AuditedChangeMixin, wagtail_groups.EditView):
    pass


class GroupDeleteView(_OwnGroupGuardMixin, AuditedDeleteMixin, wagtail_groups.DeleteView):
    pass


class GroupViewSet(wagtail_groups.GroupViewSet):
    """Roles and their permissions: the security administrator's screen; changes are audited."""

    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView

    def get_form_class(self, for_update=False):
        return RoleGroupForm


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
        return services.org_unit_update(
            unit=self.form.instance,
            name=self.form.cleaned_data["name"],
            code=self.form.cleaned_data["code"],
            parent=self.form.cleaned_data["parent"],
        )


class OrgUnitEditView(AuditedChangeMixin, OrgUnitEditBase):
    """One audit row per change: a move names what it took along (the impact shown)."""

    def audit_action(self, adding):
        return AuditAction.MOVE_UNIT if self.form.move_impact is not None else super().audit_action(adding)

    def audit_detail(self, instance):
        detail = super().audit_detail(instance)
        if self.form.move_impact is not None:
            detail += "; " + self.form.move_impact.describe()
        return detail

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
    # Wagtail's copy view would save a unit outside the tree service (no path in the tree).
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return OrgUnitForm


class LoginEventIndexView(AuditedReadMixin, generic.IndexView):
    """Who signed in from where is personal data: reading it is audited like the people list."""


class LoginEventInspectView(AuditedReadMixin, generic.InspectView):
    pass


class LoginEventViewSet(ModelViewSet):
    model = LoginEvent
    index_view_class = LoginEventIndexView
    inspect_view_class = LoginEventInspectView
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
