"""A quiz's fixed questions are chosen in a chooser that searches stems, filters by bank and
type and names each question's bank, not from one dropdown of every question."""

import pytest

from django.urls import reverse

from people import roles
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def banks():
    rumours = factories.bank(name="谣言识别题库")
    security = factories.bank(name="网络安全题库")
    factories.question(rumours, stem="<p>发现网络谣言后首先应当：</p>")
    factories.question(rumours, stem="<p>辟谣信息应当由谁发布？</p>", type="multiple", correct=(0, 1))
    factories.question(security, stem="<p>弱口令的危害是：</p>")
    return rumours, security


def modal(client, name="question_chooser:choose", **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.json()["html"] if name.endswith(":choose") else response.content.decode()


def test_the_quiz_form_offers_the_chooser_not_a_dropdown(client, trainer, banks):
    client.force_login(trainer)
    html = client.get(reverse("quiz:add")).content.decode()
    assert reverse("question_chooser:choose") in html
    assert "弱口令的危害是" not in html  # no list of every question in the page


def test_search_and_filter_by_bank_and_type(client, trainer, banks):
    rumours, _security = banks
    client.force_login(trainer)
    everything = modal(client)
    assert "谣言识别题库" in everything and "网络安全题库" in everything
    found = modal(client, "question_chooser:choose_results", q="谣言")
    assert "发现网络谣言后首先应当" in found and "弱口令" not in found
    in_bank = modal(client, "question_chooser:choose_results", bank=rumours.pk, type="multiple")
    assert "辟谣信息应当由谁发布" in in_bank and "发现网络谣言后首先应当" not in in_bank


def test_the_chosen_question_is_shown_with_its_bank(client, trainer, banks):
    client.force_login(trainer)
    question = banks[1].questions.get()
    response = client.get(reverse("question_chooser:chosen", args=[question.pk]))
    assert response.json()["result"]["title"] == "网络安全题库 · 弱口令的危害是："


@pytest.mark.parametrize("role", [roles.OFFICIAL, roles.SITE_ADMIN, roles.HR])
def test_only_quiz_authors_and_reviewers_browse_questions(client, banks, role):
    client.force_login(UserFactory(roles=(role,)))
    question = banks[0].questions.first()
    for url in (reverse("question_chooser:choose"), reverse("question_chooser:chosen", args=[question.pk])):
        assert client.get(url).status_code in (302, 403)
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    assert client.get(reverse("question_chooser:choose")).status_code == 200
