import pytest

from tests.factories.people import OrgUnitFactory, UserFactory


@pytest.mark.django_db
class TestLearnerHomeLanguage:
    def test_chinese_by_default(self, official, client):
        client.force_login(official)

        response = client.get("/")

        content = response.content.decode()
        assert '<html lang="zh-hans">' in content
        assert "我的学习" in content
        assert "My learning" not in content

    def test_browser_language_alone_does_not_switch_to_english(self, official, client):
        # Chinese first: an English office browser is no choice of the user's (core.middleware).
        client.force_login(official)

        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

        assert "我的学习" in response.content.decode()

    def test_english_when_the_language_cookie_says_so(self, official, client):
        client.force_login(official)
        client.cookies["django_language"] = "en"

        response = client.get("/")

        content = response.content.decode()
        assert '<html lang="en">' in content
        assert "My learning" in content
        assert "我的学习" not in content

    def test_unknown_language_in_the_cookie_falls_back_to_chinese(self, official, client):
        client.force_login(official)
        client.cookies["django_language"] = "fr"

        assert "我的学习" in client.get("/").content.decode()

    def test_language_switch_posts_to_set_language(self, official, client):
        client.force_login(official)

        page = client.get("/").content.decode()

        assert 'action="/i18n/setlang/"' in page
        assert 'name="language"' in page
        assert 'value="en"' in page

    def test_switching_to_english_sticks(self, official, client):
        client.force_login(official)

        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

        assert response.status_code == 302
        assert response["Location"] == "/"
        assert client.cookies["django_language"].value == "en"
        assert "My learning" in client.get("/").content.decode()

    def test_sign_in_page_in_english(self, client):
        client.cookies["django_language"] = "en"

        response = client.get("/accounts/login/")

        assert "Employee ID or email" in response.content.decode()


# The whole learner home: session, user, org unit, assignments, courses, hours, progress,
# role flags and the unread-messages count in the header.
MAX_QUERIES = 12


@pytest.mark.django_db
def test_learner_home_query_count_is_small_and_does_not_grow_with_people(
    client, django_assert_max_num_queries
):
    unit = OrgUnitFactory()
    official = UserFactory(official=True, org_unit=OrgUnitFactory(parent=unit))
    client.force_login(official)
    client.get("/")  # the first request fills the session cache

    with django_assert_max_num_queries(MAX_QUERIES) as few_people:
        assert client.get("/").status_code == 200
    for _ in range(30):
        UserFactory(official=True, org_unit=unit)
    with django_assert_max_num_queries(MAX_QUERIES) as many_people:
        assert client.get("/").status_code == 200

    assert len(many_people.captured_queries) == len(few_people.captured_queries)
