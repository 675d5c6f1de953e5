"""On an isolated intranet no page may reach another host: no avatars from gravatar.com, no
update check against wagtail.org, and an icon of the site's own."""

import re

import pytest

from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//(?!testserver)""", re.IGNORECASE)


@pytest.mark.parametrize(
    "url_name", ["wagtailadmin_home", "wagtailadmin_account", "wagtailimages:index", "wagtaildocs:index"]
)
def test_admin_pages_name_no_other_host(client, superuser, url_name):
    client.force_login(superuser)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    # The <noscript> advice links to instructions; it loads nothing and shows only without JS.
    html = re.sub(r"<noscript[^>]*>.*?</noscript>", "", response.content.decode(), flags=re.DOTALL)
    assert "gravatar.com" not in html
    assert "releases.wagtail.org" not in html and "data-w-upgrade" not in html
    assert not EXTERNAL.search(html), EXTERNAL.search(html)


def test_site_pages_name_no_other_host(client, official):
    client.force_login(official)
    for url in (reverse("learner_home"), reverse("account_login")):
        assert not EXTERNAL.search(client.get(url).content.decode())


def test_the_site_has_an_icon(client, official):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    assert finders.find("img/favicon.ico") and finders.find("img/favicon.svg")
    client.force_login(official)
    assert 'rel="icon"' in client.get(reverse("learner_home")).content.decode()
