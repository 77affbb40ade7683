"""Errors a service or job raises with a message fit to show the user (shared by both layers)."""


class ServiceError(ValueError):
    """A request that cannot be carried out; ``str(error)`` is safe to show to the user."""


class NotFound(ServiceError):
    """The record does not exist, or the viewer may not know that it exists."""


class Forbidden(ServiceError):
    """The viewer may see the record but not do this to it."""


class TooLarge(ServiceError):
    """The upload is over the configured size limit (HTTP 413)."""


class UnusableRecording(ServiceError):
    """The recording was read and refused: corrupt, cut off, too long, not a call (HTTP 422)."""


class NoRoom(ServiceError):
    """The server has no disk space left to keep the upload; nothing was kept (HTTP 507)."""


class Conflict(ServiceError):
    """The record moved on since the request was made (another tab, a replayed form): HTTP 409."""
