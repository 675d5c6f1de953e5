"""A request the database could not serve (it is restarting or failing over) answers 503 with a
page asking to try again shortly, so browsers, scripts and the load balancer know to retry;
any other failure is still a 500."""

import pytest

from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path

from core import views as core_views


def database_gone(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def connection_closed(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise ValueError("a bug")


urlpatterns = [path("gone/", database_gone), path("closed/", connection_closed), path("broken/", broken)]
handler500 = core_views.server_error


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/gone/", "/closed/"])
def test_the_database_away_answers_503_with_a_page_in_chinese(client, url):
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "请稍后刷新页面重试" in response.content.decode()


def test_any_other_failure_is_a_500(client):
    assert client.get("/broken/").status_code == 500
