import pytest

from django.core import mail
from django.urls import reverse

from tests.factories.people import PASSWORD

NEW_PASSWORD = "Another-Horse-77"


@pytest.mark.django_db
class TestPasswordChange:
    def test_signed_in_user_changes_password(self, official, client, sign_in, signed_in_as):
        client.force_login(official)

        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        assert signed_in_as() == official.pk  # still signed in
        client.logout()
        assert sign_in("GZ1001", PASSWORD).status_code == 200
        assert sign_in("GZ1001", NEW_PASSWORD).status_code == 302

    def test_wrong_current_password_changes_nothing(self, official, client):
        client.force_login(official)

        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert response.status_code == 200
        assert "oldpassword" in response.context["form"].errors
        official.refresh_from_db()
        assert official.check_password(PASSWORD)

    def test_weak_new_password_is_refused(self, official, client):
        client.force_login(official)

        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
        )

        assert response.status_code == 200
        assert "password1" in response.context["form"].errors

    def test_anonymous_visitor_is_sent_to_sign_in(self, client):
        response = client.get(reverse("account_change_password"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
class TestPasswordReset:
    def test_reset_sends_an_email_to_the_account_address(self, official, client):
        response = client.post(reverse("account_reset_password"), {"email": "gz1001@example.com"})

        assert response.status_code == 302
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["gz1001@example.com"]
        assert message.subject.startswith("[网络技能培训] ")
        assert "/accounts/password/reset/key/" in message.body

    def test_reset_link_sets_a_new_password(self, official, client, sign_in, signed_in_as):
        client.post(reverse("account_reset_password"), {"email": "gz1001@example.com"})
        link = next(word for word in mail.outbox[0].body.split() if "/accounts/password/reset/key/" in word)
        path = link[link.index("/accounts/") :]

        form_page = client.get(path, follow=True)
        action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
        response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

        assert response.status_code == 302
        assert signed_in_as() is None  # ACCOUNT_LOGIN_ON_PASSWORD_RESET is off
        assert sign_in("GZ1001", NEW_PASSWORD).status_code == 302
