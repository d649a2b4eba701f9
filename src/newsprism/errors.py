"""Errors that carry their context and the fix."""

from __future__ import annotations


class NewsprismError(Exception):
    """Base class: the message says what went wrong and how to fix it."""


class ModelMissingError(NewsprismError):
    """A model is not installed. Weights never download at run time."""

    def __init__(self, what: str, install: str) -> None:
        super().__init__(f"{what} is not installed. Install it with:\n    {install}")
        self.install = install


class InputError(NewsprismError):
    """An input path or file cannot be used."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        super().__init__(f"{path}: {problem}. {fix}")
        self.path = path
