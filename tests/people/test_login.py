import pytest

from django.urls import reverse

from tests.factories.people import PASSWORD, UserFactory


def form_errors(response):
    return response.context["form"].non_field_errors()


@pytest.mark.django_db
class TestSiteSignIn:
    def test_sign_in_with_employee_id_lands_on_my_learning(self, official, sign_in, signed_in_as):
        response = sign_in("GZ1001", PASSWORD)

        assert response.status_code == 302
        assert response["Location"] == reverse("learner_home") == "/"
        assert signed_in_as() == official.pk

    def test_employee_id_in_any_letter_case(self, official, sign_in, signed_in_as):
        response = sign_in("gz1001", PASSWORD)

        assert response.status_code == 302
        assert signed_in_as() == official.pk

    def test_employee_id_with_surrounding_spaces(self, official, sign_in, signed_in_as):
        sign_in("  GZ1001 ", PASSWORD)

        assert signed_in_as() == official.pk

    def test_sign_in_with_email(self, official, sign_in, signed_in_as):
        response = sign_in("gz1001@example.com", PASSWORD)

        assert response.status_code == 302
        assert response["Location"] == "/"
        assert signed_in_as() == official.pk

    def test_email_in_any_letter_case(self, official, sign_in, signed_in_as):
        sign_in("GZ1001@Example.COM", PASSWORD)

        assert signed_in_as() == official.pk

    def test_wrong_password_shows_an_error_on_the_sign_in_page(self, official, sign_in, signed_in_as):
        response = sign_in("GZ1001", "not-the-password")

        assert response.status_code == 200
        assert "account/login.html" in [t.name for t in response.templates]
        errors = form_errors(response)
        assert errors
        assert errors[0] in response.content.decode()
        assert signed_in_as() is None

    def test_unknown_employee_id_gets_the_same_error(self, official, sign_in, signed_in_as):
        wrong_password = form_errors(sign_in("GZ1001", "not-the-password"))

        response = sign_in("NOBODY", PASSWORD)

        assert response.status_code == 200
        assert form_errors(response) == wrong_password
        assert signed_in_as() is None

    def test_inactive_account_cannot_sign_in(self, sign_in, signed_in_as, client):
        user = UserFactory(employee_id="GZ1002")
        user.is_active = False
        user.save()

        by_id = sign_in("GZ1002", PASSWORD)
        by_email = sign_in("gz1002@example.com", PASSWORD)

        assert signed_in_as() is None
        for response in (by_id, by_email):  # allauth's "this account is inactive" page
            assert response.status_code == 302
            assert response["Location"] == reverse("account_inactive")
        assert client.get(reverse("learner_home")).status_code == 302

    def test_account_without_password_cannot_sign_in(self, sign_in, signed_in_as):
        from people.services import user_create

        user_create(employee_id="GZ1003", full_name="无密码")

        sign_in("GZ1003", "")
        sign_in("GZ1003", "anything")

        assert signed_in_as() is None

    def test_sign_in_page_is_labelled_for_employee_id_or_email(self, client):
        response = client.get(reverse("account_login"))

        assert response.status_code == 200
        assert "工号或邮箱" in response.content.decode()

    def test_sign_out(self, official, client, signed_in_as):
        client.force_login(official)

        response = client.post(reverse("account_logout"))

        assert response.status_code == 302
        assert signed_in_as() is None


@pytest.mark.django_db
class TestAdminSignIn:
    def test_trainer_signs_in_to_wagtail_admin_with_employee_id(self, trainer, admin_sign_in, client):
        response = admin_sign_in("PX2001", PASSWORD)

        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
        assert client.get(reverse("wagtailadmin_home")).status_code == 200

    def test_employee_id_in_lower_case_works_for_wagtail_admin(self, trainer, admin_sign_in, signed_in_as):
        admin_sign_in("px2001", PASSWORD)

        assert signed_in_as() == trainer.pk

    def test_email_works_for_wagtail_admin(self, trainer, admin_sign_in, signed_in_as):
        admin_sign_in("px2001@example.com", PASSWORD)

        assert signed_in_as() == trainer.pk

    def test_wrong_password_is_refused_by_wagtail_admin(self, trainer, admin_sign_in, signed_in_as):
        response = admin_sign_in("PX2001", "not-the-password")

        assert response.status_code == 200
        assert signed_in_as() is None
