"""Start the test identity server: a fresh database with the configured users and one client
(consent skipped), served on 127.0.0.1 on a free port, which is printed as the first line."""

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.oidc_provider.settings"
    import django

    django.setup()

    from oauth2_provider.models import Application

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    for user in settings.CONFIG["users"]:
        User.objects.create_user(user["username"], password=user["password"])
    client = settings.CONFIG["client"]
    Application.objects.create(
        name="training site",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietRequestHandler)
    print(server.server_port, flush=True)  # noqa: T201 - the port, for the test that started us
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
