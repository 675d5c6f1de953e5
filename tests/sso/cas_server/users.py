"""The test CAS server's authentication class (CAS_AUTH_CLASS): the users of directory.py."""

from cas_server.auth import AuthUser
from directory import DIRECTORY, PASSWORD


class DirectoryUser(AuthUser):
    def test_password(self, password):
        return self.username in DIRECTORY and password == PASSWORD

    def attributs(self):
        return dict(DIRECTORY.get(self.username, {}))
