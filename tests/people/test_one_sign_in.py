"""Every sign-in form is allauth's: Wagtail's admin login, its password reset and its
page-privacy login send there, so that the same counters, rate limits and two-factor step
cover them all (issue: 15 sprayed names on /admin/login/ were all checked while
/accounts/login/ was throttled; 8 requests to /admin/password_reset/ sent 8 emails)."""

import pytest

from django.core import mail
from django.urls import reverse

from people.models import User
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/login/?next=/admin/pages/", "/accounts/admin-entrance/?next=/admin/pages/"),
        ("/courses/_util/login/?next=/courses/", "/accounts/login/?next=/courses/"),
        ("/admin/password_reset/", "/accounts/password/reset/"),
    ],
)
def test_wagtails_sign_in_forms_send_to_the_sites(client, path, expected):
    for method in (client.get, client.post):
        response = method(path, {"username": "PX2001", "password": PASSWORD} if method == client.post else {})
        assert response.status_code in (301, 302)
        assert response["Location"] == expected


def test_a_password_posted_to_the_old_admin_form_signs_nobody_in(client, trainer):
    client.post("/admin/login/", {"username": "PX2001", "password": PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_the_admin_asks_anonymous_visitors_to_sign_in_on_the_sites_form(client):
    response = client.get("/admin/pages/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=/admin/pages/"


def test_a_signed_in_account_without_admin_access_is_told_so_not_sent_round_in_circles(client, hr_user):
    client.force_login(hr_user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    page = response.content.decode()
    assert "没有管理后台的权限" in page or "没有" in page
    assert reverse("learner_home") in page


def test_the_entrance_sends_admins_on_and_never_off_site(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("admin_entrance") + "?next=/admin/pages/")["Location"] == "/admin/pages/"
    assert client.get(reverse("admin_entrance") + "?next=https://evil.example/")["Location"] == "/admin/"


def test_password_reset_mail_is_limited_per_account(client, official):
    official.email = "gz1001@example.cn"
    official.save()
    for _ in range(8):
        client.post(reverse("account_reset_password"), {"email": "gz1001@example.cn"})
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_address(client):
    for number in range(8):
        User.objects.create_user(f"R{number}", email=f"r{number}@example.cn", password=PASSWORD)
    responses = [
        client.post(reverse("account_reset_password"), {"email": f"r{number}@example.cn"})
        for number in range(8)
    ]
    assert len(mail.outbox) == 5
    assert responses[-1].status_code == 429


def test_shared_page_passwords_cannot_be_set():
    from wagtail.admin.forms.pages import PageViewRestrictionForm

    form = PageViewRestrictionForm(private_page_options=["password", "login", "groups"])
    assert "password" not in dict(form.fields["restriction_type"].choices)


def test_identity_system_links_are_not_made_or_undone_by_hand(client, official):
    client.force_login(official)
    assert client.get("/accounts/3rdparty/")["Location"] == reverse("learner_home")
