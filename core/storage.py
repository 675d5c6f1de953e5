"""Where files with personal data live: a storage that no URL maps to.

Certificates (and anything else naming an official) are saved here under names nobody can
guess and reach a browser only through a view that checks who is asking (`core.files`).
MEDIA_ROOT, by contrast, holds course media, which the media views serve to those who may see
the pages using it.
"""

import os
import uuid
from collections.abc import Iterable

from django.core.files.storage import FileSystemStorage, storages
from django.utils.crypto import salted_hmac


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: asking one is a programming error."""

    def url(self, name):
        raise ValueError(
            "Files in private storage have no URL; serve them through a view that checks access."
        )

    def replace(self, name: str, chunks: Iterable[bytes], *, partial_name: str = "") -> str:
        """Write the file `name` from `chunks`, replacing a file of that name whole. The bytes go
        to `partial_name` (`<name>.part` unless given), renamed over `name` once complete: a
        reader never sees half a file, and a write cut short leaves only the partial file that
        the next write under that name overwrites. Unlike `save`, the name is never changed to a
        free one, so writing again gives the same single file. Callers keep two writers of one
        partial name apart."""
        path = self.path(name)
        partial = self.path(partial_name or f"{name}.part")
        directory = os.path.dirname(path)
        if self.directory_permissions_mode is not None:
            old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
            try:
                os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            finally:
                os.umask(old_umask)
        else:
            os.makedirs(directory, exist_ok=True)
        with open(partial, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        if self.file_permissions_mode is not None:
            os.chmod(partial, self.file_permissions_mode)
        os.replace(partial, path)
        return name


def private_storage():
    """The private storage (a callable, so that migrations name it rather than copy it)."""
    return storages["private"]


def random_name(folder: str, extension: str) -> str:
    """A file name nobody can guess from a serial number or a user id."""
    return f"{folder.rstrip('/')}/{uuid.uuid4().hex}{extension}"


def keyed_name(folder: str, value: str, extension: str) -> str:
    """A file name nobody can guess without the secret key, the same every time for one
    `value`: work done again writes the same file rather than a second one."""
    digest = salted_hmac("core.storage.keyed_name", value, algorithm="sha256").hexdigest()[:32]
    return f"{folder.rstrip('/')}/{digest}{extension}"
