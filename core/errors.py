class DomainError(Exception):
    """A rule of the domain refused an action; `message` is translated and shown to the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
