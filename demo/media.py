"""Demo pictures, video and documents, made by the project: drawn with Pillow at load time or
committed small (the video), never downloaded."""

import hashlib
import io
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.documents.models import Document
from wagtail.images.models import Image

from courses.setup import course_media_collection


def _in_course_media(item):
    """Demo media loaded by an earlier version sit in the root collection, out of trainers' reach."""
    collection = course_media_collection()
    if item.collection_id != collection.pk:
        item.collection = collection
        item.save(update_fields=["collection"])
    return item


ASSETS = Path(__file__).parent / "assets"

PALETTES = {
    "new_media": ((180, 35, 42), (245, 166, 35)),
    "spokesperson": ((31, 59, 92), (90, 160, 220)),
    "opinion": ((94, 53, 177), (200, 170, 255)),
    "e_government": ((0, 121, 107), (128, 203, 196)),
    "internet_law": ((66, 66, 66), (189, 160, 90)),
    "security": ((21, 101, 192), (100, 221, 23)),
}


def picture(*, title: str, category: str, variant: int = 0, size=(960, 540)) -> Image:
    """An abstract illustration in the category's colours (no text: captions carry the words)."""
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return _in_course_media(existing)
    dark, light = PALETTES.get(category, PALETTES["spokesperson"])
    width, height = size
    canvas = PILImage.new("RGB", size, dark)
    draw = ImageDraw.Draw(canvas)
    for step in range(height):
        share = step / height
        colour = tuple(int(d + (lt - d) * share * 0.35) for d, lt in zip(dark, light, strict=True))
        draw.line([(0, step), (width, step)], fill=colour)
    seed = int(hashlib.sha256(f"{title}{variant}".encode()).hexdigest(), 16)
    for index in range(7):
        radius = 40 + (seed >> (index * 5)) % 140
        x = (seed >> (index * 7)) % width
        y = (seed >> (index * 11)) % height
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=light, width=6)
    draw.rounded_rectangle([60, height - 140, width - 60, height - 60], radius=20, fill=light)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    slug = hashlib.sha1(title.encode()).hexdigest()[:10]  # noqa: S324 - a file name, not security
    return Image.objects.create(
        collection=course_media_collection(), title=title, file=ImageFile(buffer, name=f"demo-{slug}.png")
    )


def video() -> Document:
    title = "演示视频：政务微博危机发布流程"
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return _in_course_media(existing)
    data = (ASSETS / "demo-lesson.mp4").read_bytes()
    return Document.objects.create(
        collection=course_media_collection(), title=title, file=ContentFile(data, name="demo-lesson.mp4")
    )


def captions() -> Document:
    """Chinese subtitles for the demo video, as a trainer would attach them (WebVTT)."""
    title = "演示视频字幕"
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return _in_course_media(existing)
    cues = [
        ("00:00.000", "00:05.000", "第一步：发现舆情，立即报告值班负责人。"),
        ("00:05.000", "00:10.000", "第二步：核实情况，统一口径。"),
        ("00:10.000", "00:15.000", "第三步：首发回应，说清已知事实和处置措施。"),
        ("00:15.000", "00:20.000", "第四步：持续发布，回应关切。"),
    ]
    text = "WEBVTT\n\n" + "\n".join(f"{start} --> {end}\n{line}\n" for start, end, line in cues)
    return Document.objects.create(
        collection=course_media_collection(),
        title=title,
        file=ContentFile(text.encode(), name="demo-lesson.vtt"),
    )


def text_document(*, title: str, lines: list[str]) -> Document:
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return _in_course_media(existing)
    content = "\r\n".join([title, "", *lines, ""]).encode("utf-8-sig")
    slug = hashlib.sha1(title.encode()).hexdigest()[:10]  # noqa: S324 - a file name, not security
    return Document.objects.create(
        collection=course_media_collection(),
        title=title,
        file=ContentFile(content, name=f"checklist-{slug}.txt"),
    )
