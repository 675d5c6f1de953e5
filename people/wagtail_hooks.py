from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.permissions import ReadOnlyPolicy

from .models import LoginEvent
from .viewsets import PERSON_BULK_ACTIONS, PeopleViewSetGroup

# Login events are evidence: browsable by the security administrator and the auditor, never editable.
register_permission_policy(LoginEvent, ReadOnlyPolicy(LoginEvent))


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


# After Wagtail's own (a higher order), so that they replace Wagtail's actions of the same names.
for action in PERSON_BULK_ACTIONS:
    hooks.register("register_bulk_action", action, order=100)
