from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    # This module also holds the Wagtail users config below, so say which one "people" means.
    default = True
    name = "people"
    verbose_name = _("People and units")

    def ready(self):
        from . import receivers, roles

        receivers.connect()
        # Roles need the permissions that only exist once every app has migrated.
        post_migrate.connect(roles.roles_ensure_after_migrate, sender=self)


class PeopleUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (employee ID, full name, unit...)."""

    user_viewset = "people.viewsets.UserViewSet"
    group_viewset = "people.viewsets.GroupViewSet"
