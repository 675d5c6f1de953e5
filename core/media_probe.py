"""How long a video or an audio file plays, read from the file itself with MediaInfo (its library
comes inside the pymediainfo wheel: no system package to install), never from a browser's word."""

from __future__ import annotations

import logging

from pymediainfo import MediaInfo

logger = logging.getLogger(__name__)

PLAYABLE_TRACKS = {"Video", "Audio"}


def media_seconds(file) -> float | None:
    """The playing time in seconds of a video or audio file (a path or a binary file open at its
    start), or None when it holds no video or audio track or cannot be read."""
    try:
        info = MediaInfo.parse(file)
    except (OSError, RuntimeError, ValueError) as error:
        logger.warning("media probe failed: %s", error)
        return None
    durations = [
        float(track.duration)
        for track in info.tracks
        if track.track_type in PLAYABLE_TRACKS and track.duration
    ]
    return max(durations) / 1000 if durations else None
