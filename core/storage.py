"""Where files with personal data live: a storage that no URL maps to.

Certificates (and anything else naming an official) are saved here under random names and
reach a browser only through a view that checks who is asking (`core.files`). MEDIA_ROOT, by
contrast, holds course media, which the media views serve to those who may see the pages
using it.
"""

import uuid

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: asking one is a programming error."""

    def url(self, name):
        raise ValueError(
            "Files in private storage have no URL; serve them through a view that checks access."
        )


def private_storage():
    """The private storage (a callable, so that migrations name it rather than copy it)."""
    return storages["private"]


def random_name(folder: str, extension: str) -> str:
    """A file name nobody can guess from a serial number or a user id."""
    return f"{folder.rstrip('/')}/{uuid.uuid4().hex}{extension}"
