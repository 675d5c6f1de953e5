from wagtail import hooks

from .media_views import document_serve

# Documents are served by courses' media view: access by the pages using them, byte ranges.
hooks.register("before_serve_document", document_serve)
