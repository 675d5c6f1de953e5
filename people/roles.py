"""The roles, as Django groups, and the permissions each one holds.

Group names are what administrators see in the Wagtail admin, so they are Chinese; code
refers to them only through the constants below.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from wagtail.models import Collection, GroupCollectionPermission

from .identity_cache import header_for

OFFICIAL = "学员"
TRAINER = "培训管理员"
HR = "组织人事"
SITE_ADMIN = "系统管理员"
# Approves trainers' courses in the review workflow; usually a senior trainer.
REVIEWER = "课程审核人"
# MLPS level 3 (GB/T 22239-2019) separates three administrators (三员分立): the site (system)
# administrator keeps people, units and settings; the security administrator grants roles and
# watches sign-ins; the auditor reads the audit log, which neither of the others can.
SECURITY_ADMIN = "安全管理员"
AUDITOR = "审计管理员"

ALL_ROLES = (OFFICIAL, TRAINER, HR, SITE_ADMIN, REVIEWER, SECURITY_ADMIN, AUDITOR)
# Accounts holding any of these are staff: bulk onboarding never touches them.
STAFF_ROLES = frozenset(ALL_ROLES) - {OFFICIAL}

MEDIA_APPS = {"wagtailimages", "wagtaildocs"}

# (app_label, codename) pairs. Page-level permissions on the course tree are granted to
# trainers where the course tree is created, since they attach to a page.
ROLE_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    OFFICIAL: set(),
    TRAINER: {
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        # Assignments are HR's and site administrators' to make; trainers see them.
        ("courses", "view_assignment"),
        *(
            ("quizzes", f"{action}_{model}")
            for model in ("questionbank", "question")
            for action in ("add", "change", "delete", "view")
        ),
        # A quiz is never deleted by a trainer: it holds officials' attempts; it is unpublished
        # through review instead.
        ("quizzes", "add_quiz"),
        ("quizzes", "change_quiz"),
        ("quizzes", "view_quiz"),
        # Drills as quizzes: never deleted by a trainer (they hold officials' runs). Trainers
        # grade the runs with the rubric and keep the list of forbidden expressions.
        ("drills", "add_scenario"),
        ("drills", "change_scenario"),
        ("drills", "view_scenario"),
        ("drills", "grade_scenario"),
        *(("drills", f"{action}_forbiddenexpression") for action in ("add", "change", "delete", "view")),
    },
    REVIEWER: {
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "choose_document"),
        # Reviewers approve quizzes and questions in the course review workflow; trainers never
        # publish either.
        ("quizzes", "change_quiz"),
        ("quizzes", "view_quiz"),
        ("quizzes", "publish_quiz"),
        ("quizzes", "change_question"),
        ("quizzes", "publish_question"),
        ("quizzes", "view_question"),
        ("quizzes", "view_questionbank"),
        ("drills", "change_scenario"),
        ("drills", "view_scenario"),
        ("drills", "publish_scenario"),
    },
    HR: {
        ("certificates", "view_certificate"),
        ("people", "view_user"),
        ("people", "view_orgunit"),
    },
    SITE_ADMIN: {
        ("wagtailadmin", "access_admin"),
        ("people", "add_user"),
        ("people", "change_user"),
        ("people", "view_user"),
        ("people", "add_orgunit"),
        ("people", "change_orgunit"),
        ("people", "delete_orgunit"),
        ("people", "view_orgunit"),
        ("courses", "add_hoursrequirement"),
        ("courses", "change_hoursrequirement"),
        ("courses", "view_hoursrequirement"),
        # Crediting rules: a version that credited hours can no longer change (courses.viewsets).
        ("courses", "add_creditrule"),
        ("courses", "change_creditrule"),
        ("courses", "delete_creditrule"),
        ("courses", "view_creditrule"),
        ("courses", "add_assignment"),
        ("courses", "change_assignment"),
        ("courses", "delete_assignment"),
        ("courses", "view_assignment"),
        # Background tasks and their failures, read only.
        ("django_tasks_database", "view_dbtaskresult"),
        ("core", "view_taskworker"),
    },
    SECURITY_ADMIN: {
        ("wagtailadmin", "access_admin"),
        # Only to grant roles: the user form shows them nothing else (people.viewsets).
        ("people", "change_user"),
        ("people", "view_user"),
        ("auth", "add_group"),
        ("auth", "change_group"),
        ("auth", "view_group"),
        ("people", "view_loginevent"),
    },
    AUDITOR: {
        ("wagtailadmin", "access_admin"),
        ("audit", "view_auditevent"),
        ("people", "view_loginevent"),
    },
}


# What makes an account one of the three administrators, by the permissions its groups hold
# (a role renamed or copied into a new group keeps its duty). One account holds at most one.
ADMIN_DUTIES: dict[str, frozenset[tuple[str, str]]] = {
    SITE_ADMIN: frozenset(
        {
            ("people", "add_user"),
            ("people", "add_orgunit"),
            ("people", "change_orgunit"),
            ("people", "delete_orgunit"),
        }
    ),
    SECURITY_ADMIN: frozenset({("auth", "add_group"), ("auth", "change_group"), ("auth", "delete_group")}),
    AUDITOR: frozenset({("audit", "view_auditevent")}),
}


def duties_of(permission_keys) -> set[str]:
    """Which of the three administrators' duties these (app_label, codename) pairs carry."""
    keys = set(permission_keys)
    return {role for role, marks in ADMIN_DUTIES.items() if keys & marks}


def permission_keys_of(*, groups=(), user=None) -> set[tuple[str, str]]:
    """The (app_label, codename) pairs held through these groups (and the user's own)."""
    condition = Q(group__in=[getattr(group, "pk", group) for group in groups])
    if user is not None and user.pk is not None:
        condition |= Q(group__user=user) | Q(user=user)
    return set(
        Permission.objects.filter(condition).values_list("content_type__app_label", "codename").distinct()
    )


def account_duties(user) -> set[str]:
    """The administrators' duties an account holds through its groups."""
    if user.pk is None:
        return set()
    return duties_of(permission_keys_of(user=user))


def may_manage_account(editor, account) -> bool:
    """Whether the editor may open someone's account in the admin at all (their permissions
    decide what they may do there). Only superusers touch superusers; site administrators,
    who can reset passwords and email addresses, never touch the security administrator's or
    the auditor's account, or they could take it over and read or grant what they may not."""
    if editor.is_superuser:
        return True
    if account.is_superuser:
        return False
    if editor.pk == account.pk or is_security_admin(editor):
        return True
    return not account_duties(account) & {SECURITY_ADMIN, AUDITOR}


def roles_ensure() -> dict[str, Group]:
    """Create the role groups if missing and give each exactly the permissions listed above."""
    wanted = set().union(*ROLE_PERMISSIONS.values())
    permissions = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
    }
    groups = {}
    for role, needed in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        # Permissions of apps not yet migrated are skipped; the next migrate adds them.
        group.permissions.set([permissions[key] for key in needed if key in permissions])
        groups[role] = group
    return groups


def media_permissions_of(group: Group) -> list[Permission]:
    """The image and document permissions a role holds. Wagtail checks these per collection,
    not per group: collection_permissions_grant gives them on the collections the role works in."""
    return [
        p for p in group.permissions.select_related("content_type") if p.content_type.app_label in MEDIA_APPS
    ]


def collection_permissions_grant(group: Group, collection: Collection) -> None:
    """Give the group exactly its role's media permissions on this collection (and the
    collections below it)."""
    granted = media_permissions_of(group)
    GroupCollectionPermission.objects.filter(group=group, collection=collection).exclude(
        permission__in=granted
    ).delete()
    for permission in granted:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )


def permissions_create_all() -> None:
    """Create every app's permissions now. post_migrate reaches apps in INSTALLED_APPS order,
    so ours run before Wagtail's permissions would otherwise exist on a fresh database."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)


def roles_ensure_after_migrate(**kwargs) -> None:
    permissions_create_all()
    roles_ensure()


def user_has_role(user, role: str) -> bool:
    """Whether the user belongs to the role's group (people.identity_cache: from the shared
    cache, once per request)."""
    if not user.is_authenticated:
        return False
    return role in header_for(user).roles


def is_site_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user_has_role(user, SITE_ADMIN))


def is_hr(user) -> bool:
    return user_has_role(user, HR)


def is_trainer(user) -> bool:
    return user_has_role(user, TRAINER)


def is_security_admin(user) -> bool:
    return user_has_role(user, SECURITY_ADMIN)


def is_auditor(user) -> bool:
    return user_has_role(user, AUDITOR)


def is_staff_account(user) -> bool:
    """Whether the account holds anything beyond studying (or is a superuser): any group but
    the officials', so that a role the security administrator renamed, copied or made new is
    staff too (second factor required, local password kept)."""
    if user.is_superuser:
        return True
    return user.is_authenticated and bool(header_for(user).roles - {OFFICIAL})
