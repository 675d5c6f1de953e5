"""All mail goes through the task queue: `EMAIL_BACKEND` hands each message to a task, and the
task sends it through `EMAIL_DELIVERY_BACKEND` (SMTP in production). A mail server that is slow
or down never holds or fails a request, and a refused message is tried again with backoff."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .task_queue import background_task


def delivery_connection(**kwargs):
    """A connection to the real mail transport, for code that already runs in a task."""
    return get_connection(settings.EMAIL_DELIVERY_BACKEND, **kwargs)


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            fields = message_fields(message)
            transaction.on_commit(lambda fields=fields: email_deliver_task.enqueue(fields), robust=True)
            queued += 1
        return queued


def message_fields(message) -> dict:
    """The message as JSON-safe fields (the task queue stores arguments as JSON)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": [_attachment_fields(attachment) for attachment in message.attachments],
    }


def _attachment_fields(attachment) -> list:
    filename, content, mimetype = attachment
    if isinstance(content, str):
        content = content.encode()
    return [filename, base64.b64encode(content).decode("ascii"), mimetype]


def message_from_fields(fields: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=fields["subject"],
        body=fields["body"],
        from_email=fields["from_email"],
        to=fields["to"],
        cc=fields["cc"],
        bcc=fields["bcc"],
        reply_to=fields["reply_to"],
        headers=fields["headers"],
        alternatives=[tuple(alternative) for alternative in fields["alternatives"]],
    )
    message.content_subtype = fields["content_subtype"]
    for filename, content, mimetype in fields["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


@background_task()
def email_deliver_task(fields: dict) -> str:
    """Send one queued message; a refusal raises, so the try is recorded and made again later."""
    message = message_from_fields(fields)
    delivery_connection(fail_silently=False).send_messages([message])
    return f"sent to {len(message.recipients())} recipients"
