import pytest

from django.contrib.auth.models import Group, Permission

from people import roles


def permission_keys(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db
def test_migrations_create_the_role_groups():
    existing = set(Group.objects.values_list("name", flat=True))

    assert {"学员", "培训管理员", "组织人事", "系统管理员"} <= existing
    assert set(roles.ALL_ROLES) <= existing


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_migrations_give_each_role_its_permissions(role):
    group = Group.objects.filter(name=role).first()

    assert group is not None, f"group {role} missing after migrate"
    assert permission_keys(group) == roles.ROLE_PERMISSIONS[role]


@pytest.mark.django_db
def test_roles_ensure_is_idempotent():
    first = roles.roles_ensure()
    groups_before = Group.objects.count()

    second = roles.roles_ensure()

    assert Group.objects.count() == groups_before
    assert {name: group.pk for name, group in first.items()} == {
        name: group.pk for name, group in second.items()
    }
    for role in roles.ALL_ROLES:
        assert permission_keys(second[role]) == roles.ROLE_PERMISSIONS[role]


@pytest.mark.django_db
def test_roles_ensure_restores_permissions_taken_away_and_removes_extra_ones():
    groups = roles.roles_ensure()
    trainer = groups[roles.TRAINER]
    trainer.permissions.clear()
    groups[roles.OFFICIAL].permissions.set(Permission.objects.filter(codename="add_user"))

    roles.roles_ensure()

    assert permission_keys(trainer) == roles.ROLE_PERMISSIONS[roles.TRAINER]
    assert permission_keys(groups[roles.OFFICIAL]) == set()


@pytest.mark.django_db
def test_roles_ensure_leaves_other_groups_alone():
    Group.objects.create(name="临时小组")

    roles.roles_ensure()

    assert Group.objects.filter(name="临时小组").exists()


@pytest.mark.django_db
def test_role_membership_grants_the_role_permissions(trainer, official, hr_user, site_admin):
    assert trainer.has_perm("wagtailadmin.access_admin")
    assert site_admin.has_perm("wagtailadmin.access_admin")
    assert hr_user.has_perm("people.view_user")
    assert not hr_user.has_perm("wagtailadmin.access_admin")
    assert not official.get_all_permissions()


@pytest.mark.django_db
def test_role_checks(trainer, official, hr_user, site_admin, superuser):
    assert roles.is_trainer(trainer) and not roles.is_trainer(official)
    assert roles.is_hr(hr_user) and not roles.is_hr(trainer)
    assert roles.is_site_admin(site_admin)
    assert roles.is_site_admin(superuser)
    assert not roles.is_site_admin(hr_user)
