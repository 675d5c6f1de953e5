import pytest

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from courses.content_cache import content_clear_local
from courses.fragments import fragments_clear_local
from courses.routing import routing_clear
from people import roles
from people.models import OrgUnit
from tests.factories.people import OrgUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Lockout counters, allauth's rate limits and rendered pages live in caches: start every
    test clean."""
    cache.clear()
    content_clear_local()
    fragments_clear_local()
    routing_clear()
    yield
    cache.clear()
    content_clear_local()
    fragments_clear_local()
    routing_clear()


@pytest.fixture
def org_tree(db):
    """Three levels, two branches:

    PROV 省直属机关
    ├── A 单位甲
    │   └── A-1 甲一科
    └── B 单位乙
        └── B-1 乙一科
    """
    province = OrgUnitFactory(name="省直属机关", code="PROV")
    unit_a = OrgUnitFactory(name="单位甲", code="A", parent=province)
    unit_b = OrgUnitFactory(name="单位乙", code="B", parent=province)
    section_a = OrgUnitFactory(name="甲一科", code="A-1", parent=unit_a)
    section_b = OrgUnitFactory(name="乙一科", code="B-1", parent=unit_b)
    units = {"province": province, "a": unit_a, "b": unit_b, "a1": section_a, "b1": section_b}
    # Re-read: treebeard counts children in the database, not on the objects above.
    return {key: OrgUnit.objects.get(pk=unit.pk) for key, unit in units.items()}


@pytest.fixture
def official(db):
    return UserFactory(official=True, employee_id="GZ1001", full_name="张晓明")


@pytest.fixture
def trainer(db):
    return UserFactory(trainer=True, employee_id="PX2001", full_name="李文静")


@pytest.fixture
def hr_user(db):
    return UserFactory(hr=True, employee_id="RS3001", full_name="王建国")


@pytest.fixture
def site_admin(db):
    """A member of the 系统管理员 group who is not a superuser."""
    return UserFactory(roles=(roles.SITE_ADMIN,), employee_id="XT4001", full_name="赵敏")


@pytest.fixture
def superuser(db):
    return UserFactory(superuser=True, employee_id="SU5001", full_name="钱超")


@pytest.fixture
def sign_in(client):
    """Post the site's sign-in form (allauth) and return the response."""

    def post(login, password, **extra):
        return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)

    return post


@pytest.fixture
def admin_sign_in(client):
    """Sign in on the way into the admin (Wagtail's login sends to the site's) and return the
    response."""

    def post(username, password, **extra):
        return client.post(
            reverse("account_login") + "?next=/admin/", {"login": username, "password": password}, **extra
        )

    return post


@pytest.fixture
def signed_in_as(client):
    """A callable giving the primary key of the account the client is signed in as, or None."""

    def user_id():
        value = client.session.get(SESSION_KEY)
        return int(value) if value is not None else None

    return user_id
