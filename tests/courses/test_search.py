import pytest

from django.urls import reverse

from courses.search import learning_search
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    course = factories.course(title="政务新媒体运营")
    weibo = factories.lesson(course, title="账号定位", text="<p>开设政务微博账号前，要明确定位与受众。</p>")
    rumour = factories.lesson(course, title="辟谣要点", text="<p>面对网络谣言，要第一时间发布权威信息。</p>")
    draft = factories.lesson(course, title="草稿", text="<p>未发布的微博课程内容。</p>", publish=False)
    return course, weibo, rumour, draft


@pytest.mark.parametrize(
    ("query", "expected"), [("微博", "账号定位"), ("谣言", "辟谣要点"), ("权威信息", "辟谣要点")]
)
def test_chinese_words_inside_sentences_are_found(content, query, expected):
    titles = [page.title for page in learning_search(query=query)]
    assert expected in titles


def test_drafts_are_never_found(content):
    assert "草稿" not in [page.title for page in learning_search(query="微博")]


def test_course_titles_are_found(content):
    assert "政务新媒体运营" in [page.title for page in learning_search(query="新媒体")]


def test_search_page(client, content):
    client.force_login(UserFactory(official=True))
    html = client.get(reverse("learning_search"), {"q": "谣言"}).content.decode()
    assert "辟谣要点" in html
    assert client.get(reverse("learning_search"), {"q": ""}).status_code == 200
