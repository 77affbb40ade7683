"""Errors a service or job raises with a message fit to show the user (shared by both layers)."""


class ServiceError(ValueError):
    """A request that cannot be carried out; ``str(error)`` is safe to show to the user."""


class NotFound(ServiceError):
    """The record does not exist, or the viewer may not know that it exists."""


class Forbidden(ServiceError):
    """The viewer may see the record but not do this to it."""
