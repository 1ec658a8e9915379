"""The one family of errors a use case raises when a user's request cannot be carried out."""

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A failure the user can understand and act on; `message` is translated and shown as is."""

    def __init__(
        self, message: str | Promise, *, code: str = "invalid", extra: dict[str, object] | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.extra = extra or {}
