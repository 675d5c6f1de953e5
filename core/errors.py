from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused an action; `message` is translated and shown to the user.
    Every app's refusals subclass it (some with a fixed message of their own)."""

    message = _("This cannot be done now.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))
