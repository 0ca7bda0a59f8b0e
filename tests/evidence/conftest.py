"""Fixtures of the evidence tests."""

from tests.evidence.items_helpers import media_root  # noqa: F401 - a fixture
