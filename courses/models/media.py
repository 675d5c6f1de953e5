import math
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.media_probe import media_seconds

# A video lesson completes once this share of the video has been watched.
VIDEO_COMPLETE_SHARE = Decimal("0.9")


def video_required_seconds(duration: int) -> int:
    """How far into a video of `duration` seconds an official must have watched."""
    return math.ceil(duration * VIDEO_COMPLETE_SHARE)


# The document types a lesson plays: their playing time is read on upload.
PLAYABLE_EXTENSIONS = {"mp4", "webm", "mp3"}


class MediaDurationManager(models.Manager):
    def read(self, document) -> "MediaDuration":
        """The document's playing time, read from its file now unless it was read from this
        very file before (a replaced file is read again)."""
        known = self.filter(document=document, file_name=document.file.name).first()
        if known is not None:
            return known
        seconds = None
        if document.file_extension.lower() in PLAYABLE_EXTENSIONS:
            path = _local_path(document)
            if path is not None:
                measured = media_seconds(path)
            else:  # a storage without local files: stream it
                with document.open_file() as file:
                    measured = media_seconds(file)
            seconds = math.ceil(measured) if measured else None
        duration, _created = self.update_or_create(
            document=document, defaults={"file_name": document.file.name, "seconds": seconds}
        )
        return duration


def _local_path(document) -> str | None:
    """The file's path where the storage keeps it on this machine: MediaInfo then reads only
    what it needs (handed a stream, it buffers much more)."""
    try:
        return document.file.path
    except NotImplementedError:
        return None


class MediaDuration(models.Model):
    """A video's or an audio's playing time, read from its file when it was uploaded or
    replaced: the only duration the study rules use (a browser's is ignored)."""

    document = models.OneToOneField(
        "wagtaildocs.Document", primary_key=True, on_delete=models.CASCADE, related_name="media_duration"
    )
    file_name = models.CharField(_("file"), max_length=255)
    seconds = models.PositiveIntegerField(
        _("duration (seconds)"), null=True, blank=True, help_text=_("Empty: not a video or audio file.")
    )
    read_at = models.DateTimeField(_("read"), auto_now=True)

    objects = MediaDurationManager()

    class Meta:
        verbose_name = _("media duration")
        verbose_name_plural = _("media durations")

    def __str__(self):
        return f"{self.document_id}: {self.seconds}"
