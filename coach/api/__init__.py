"""The read-only JSON API under ``/api/v1/`` for HR and learning systems (``docs/api.md``).

Requests carry a personal token (``Authorization: Bearer …``) and act as its owner, with
exactly the records that person may see; the API never reads or sets the session cookie.
"""
