"""The project's exceptions: one root, each subclass also the built-in it resembles.

The CLI and the web API turn any :class:`AtlasError` into a one-line message (exit code 1 / a 4xx error
envelope); anything else is a bug.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Root of every error clusteratlas raises on purpose."""


class DataValidationError(AtlasError, ValueError):
    """Shipped or user data does not satisfy the model. The message names file, record and field."""


class BadQueryError(AtlasError, ValueError):
    """A query cannot be answered as given (empty, too long, control characters, wrong type)."""


class PlaceNotFound(AtlasError, LookupError):
    """No administrative unit matches the query or code."""


class ClusterNotFound(AtlasError, LookupError):
    """No cluster has the given id."""


class IndustryNotFound(AtlasError, LookupError):
    """No industry has the given id."""


class RegisterNotFound(AtlasError, LookupError):
    """No register (official cluster list) has the given id."""


class InputFileError(AtlasError, ValueError):
    """An input file cannot be read (missing, wrong format, undecodable, missing column)."""
