"""Records back from plain data: the inverse of :func:`newsprism.model.to_plain`.

The store keeps records (articles' sentences, quotes, quantities, briefs) as JSON and must
get the same frozen records back. Rather than one hand-written ``from_dict`` per record,
:func:`from_plain` follows each dataclass's type hints, so a field added to a record is
restored without touching this module. Only the shapes the records use are supported:
dataclasses, ``tuple[X, ...]``, fixed tuples, ``list``/``dict`` of those, ``X | None``,
``Literal`` and scalars.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from newsprism.model import Article, to_plain


def from_plain(kind: Any, value: Any) -> Any:
    """Rebuild a value of type ``kind`` (a record class or a type hint) from plain data.

    Raises:
        TypeError: the value does not fit the type (the message names the field).
    """
    return _converter(kind)(value)


def dump(value: Any) -> Any:
    """Records (recursively) to JSON-ready data: what :func:`newsprism.model.to_plain`
    returns, faster (field names are looked up once per class), for the store's
    briefs and annotations."""
    if isinstance(value, _SCALARS):
        return value
    kind: Any = type(value)
    names = _field_names(kind)
    if names is not None:
        return {name: dump(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    return value


_SCALARS = (str, int, float, type(None))
Converter = Callable[[Any], Any]


@cache
def _field_names(cls: Any) -> tuple[str, ...] | None:
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None


@cache
def _converter(kind: Any) -> Converter:
    """A function that converts plain data to ``kind``, built once per type."""
    if kind is Any:
        return _identity
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return _union(kind)
    if origin is Literal:
        allowed = get_args(kind)

        def literal(value: Any) -> Any:
            if value not in allowed:
                raise TypeError(f"{value!r} is not one of {allowed}")
            return value

        return literal
    if origin in (tuple, list, dict):
        return _container(origin, get_args(kind))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _record(kind)
    return _scalar(kind)


def _identity(value: Any) -> Any:
    return value


def _union(kind: Any) -> Converter:
    options = [_converter(o) for o in get_args(kind) if o is not type(None)]
    nullable = type(None) in get_args(kind)

    def union(value: Any) -> Any:
        if value is None and nullable:
            return None
        errors = []
        for option in options:
            try:
                return option(value)
            except TypeError as error:
                errors.append(str(error))
        raise TypeError(f"{value!r} fits none of {kind} ({'; '.join(errors)})")

    return union


def _container(origin: type, args: tuple[Any, ...]) -> Converter:
    if origin is dict:
        key, item = _converter(args[0]), _converter(args[1])

        def mapping(value: Any) -> Any:
            _expect(value, (dict,))
            return {key(k): item(v) for k, v in value.items()}

        return mapping
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        parts = [_converter(a) for a in args]

        def fixed(value: Any) -> Any:
            _expect(value, (list, tuple))
            if len(value) != len(parts):
                raise TypeError(f"expected {len(parts)} items, got {len(value)}")
            return tuple(part(v) for part, v in zip(parts, value, strict=True))

        return fixed
    item = _converter(args[0])
    build = tuple if origin is tuple else list

    def sequence(value: Any) -> Any:
        _expect(value, (list, tuple))
        return build(item(v) for v in value)

    return sequence


def _record(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    converters = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]

    def record(value: Any) -> Any:
        _expect(value, (dict,))
        kwargs = {}
        for name, convert in converters:
            if name in value:
                try:
                    kwargs[name] = convert(value[name])
                except TypeError as error:
                    raise TypeError(f"{cls.__name__}.{name}: {error}") from None
        try:
            return cls(**kwargs)
        except TypeError as error:
            raise TypeError(f"{cls.__name__}: {error}") from None

    return record


def _scalar(kind: Any) -> Converter:
    if kind is float:

        def number(value: Any) -> Any:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"expected a number, got {type(value).__name__}")
            return float(value)

        return number
    if kind is type(None):

        def null(value: Any) -> Any:
            if value is not None:
                raise TypeError(f"expected null, got {value!r}")
            return None

        return null
    if not isinstance(kind, type):
        return _identity

    def scalar(value: Any) -> Any:
        if not isinstance(value, kind):
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return scalar


def _expect(value: Any, kinds: tuple[type, ...]) -> None:
    if not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"expected {names}, got {type(value).__name__}")


def article_to_dict(article: Article) -> dict[str, Any]:
    """An article as plain data (every field, sentences included)."""
    return to_plain(article)  # type: ignore[no-any-return]


def article_from_dict(value: dict[str, Any]) -> Article:
    """The :class:`~newsprism.model.Article` that :func:`article_to_dict` produced."""
    return from_plain(Article, value)  # type: ignore[no-any-return]


__all__ = ["article_from_dict", "article_to_dict", "dump", "from_plain"]
