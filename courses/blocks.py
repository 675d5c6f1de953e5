"""Lesson body blocks: what a trainer needs to write a lesson, each rendering cleanly on a phone.

No raw HTML block: rich text is limited to the features below, so pasted markup cannot break
the page or run scripts.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("section")), ("h3", _("subsection"))], default="h2", label=_("level")
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


VIDEO_EXTENSIONS = {"mp4", "webm"}
CAPTION_EXTENSIONS = {"vtt"}


class VideoBlock(blocks.StructBlock):
    """A video file from the document library, served by the application itself."""

    video = DocumentChooserBlock(label=_("video file (MP4 or WebM)"))
    poster = ImageChooserBlock(label=_("poster image"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)
    captions = DocumentChooserBlock(
        label=_("subtitles (WebVTT file)"),
        required=False,
        help_text=_("A .vtt file; the player shows it as Chinese subtitles, on by default."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        video, captions = value.get("video"), value.get("captions")
        if video is not None and video.file_extension.lower() not in VIDEO_EXTENSIONS:
            errors["video"] = ValidationError(
                _("Choose an MP4 or WebM video file here; “%(title)s” is not one.") % {"title": video.title}
            )
        if captions is not None and captions.file_extension.lower() not in CAPTION_EXTENSIONS:
            errors["captions"] = ValidationError(
                _("Choose a WebVTT (.vtt) subtitles file here; “%(title)s” is not one.")
                % {"title": captions.title}
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Download")
        template = "blocks/document.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    background = blocks.RichTextBlock(label=_("what happened"), features=RICH_TEXT_FEATURES)
    analysis = blocks.RichTextBlock(label=_("analysis and lessons"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "folder-open-inverse"
        label = _("Case study")
        template = "blocks/case_study.html"


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=60)
    points = blocks.ListBlock(blocks.CharBlock(label=_("point"), max_length=300), label=_("points"))

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "blocks/key_points.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("warning", _("Warning"))], default="tip", label=_("kind")
    )
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    source = blocks.CharBlock(label=_("source"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, icon="pilcrow", template="blocks/paragraph.html"
    )
    image = CaptionedImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    case_study = CaseStudyBlock()
    key_points = KeyPointsBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
