from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.permissions import ReadOnlyPolicy

from .models import LoginEvent
from .viewsets import PeopleViewSetGroup

# Login events are evidence: browsable by site administrators, never editable.
register_permission_policy(LoginEvent, ReadOnlyPolicy(LoginEvent))


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()
