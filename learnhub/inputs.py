"""The bounds every request's input is held to, so bad input is a 400 or a 404, never a 500.

- **Ids.** Every row id is a positive 64-bit integer (``BigAutoField``), so no id is above
  ``MAX_ID``. URLs take ids with the ``id`` path converter (``<id:pk>``), which matches
  only ``1`` to ``MAX_ID``: a longer number is a 404 like any other missing row, before a
  view or the database sees it. Ids in bodies, forms and query strings go through
  ``IdField`` (REST framework), ``FormIdField`` (forms) or ``as_id`` (anything else), so
  a number out of range is refused with a plain message instead of overflowing the
  database driver.
- **JSON depth.** Request bodies may not nest more than ``MAX_JSON_DEPTH`` levels of
  arrays and objects: ``json_too_deep`` tells without parsing (Python's parser raises
  ``RecursionError`` at about a thousand levels), and ``learnhub.middleware`` answers
  400 before any view, ours or allauth's, parses the body.
- **NUL characters.** PostgreSQL text cannot hold one: ``learnhub.middleware`` refuses
  them in URLs, ``JSONParser`` anywhere in an API body, and every form and serializer
  text field refuses them itself.
- **OPTIONS** on an API URL answers ``Metadata``, which never looks anything up.

Each is set in one place: ``LearnHubConfig.ready`` registers the converter, and the
settings name the middleware, ``JSONParser`` and ``Metadata``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from rest_framework import exceptions, parsers, serializers
from rest_framework.metadata import BaseMetadata
from rest_framework.request import Request

#: The largest id a row can have (PostgreSQL ``bigint``, SQLite's ``INTEGER``).
MAX_ID = 2**63 - 1
#: How deeply a request body's arrays and objects may nest.
MAX_JSON_DEPTH = 32

_DIGITS = re.compile(r"[0-9]{1,19}")


def as_id(value: object) -> int | None:
    """``value`` as a row id when it is one (an int, or a string of ASCII digits, from 1
    to ``MAX_ID``), else None. Booleans and floats are not ids; nor are other scripts'
    digits ("²", "٣"), which ``str.isdigit`` accepts but ``int`` may not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


class IdConverter:
    """``<id:name>`` in a URL: a row id from 1 to ``MAX_ID``; anything else does not match
    (a 404). Registered in ``LearnHubConfig.ready``."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id")  # Django: the URL does not match
        return number

    def to_url(self, value: object) -> str:
        number = as_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id")
        return str(number)


class IdField(serializers.IntegerField):
    """A row id in a request body or query string (REST framework): 1 to ``MAX_ID``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class FormIdField(forms.IntegerField):
    """A row id in a web form or query string: 1 to ``MAX_ID``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


# A JSON string: a quote, then escapes or anything but a quote or backslash, then a quote.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body``, read as JSON, nests arrays and objects more than ``limit`` deep.

    Brackets inside strings do not count. Works on bytes that are not valid JSON too
    (the parser judges those afterwards), in time linear in the body's length.
    """
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth = max(0, depth - 1)
    return False


# --- REST framework: the JSON parser and what OPTIONS answers (settings.REST_FRAMEWORK) ---


class JSONParser(parsers.JSONParser):
    """REST framework's JSON parser, refusing (400) what the database cannot take or
    Python cannot parse: a NUL character in any string (PostgreSQL text and ``jsonb``
    cannot hold one) and a body nested too deeply (``RecursionError``;
    ``learnhub.middleware`` refuses those first)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from None
        if _holds_nul(data):
            raise exceptions.ParseError("Text may not contain a NUL character (\\u0000).")
        return data


def _holds_nul(data: Any) -> bool:
    if isinstance(data, str):
        return "\x00" in data
    if isinstance(data, dict):
        return any(_holds_nul(key) or _holds_nul(value) for key, value in data.items())
    if isinstance(data, list):
        return any(_holds_nul(item) for item in data)
    return False


class Metadata(BaseMetadata):
    """What OPTIONS answers on every API URL: the view's name and description and the
    media types it reads and writes. Unlike REST framework's default it neither looks up
    the object nor builds a serializer, so it cannot fail, and it tells an outsider nothing
    about any row; /api/schema/ describes every operation's input and output."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
