"""Renderers: report data → Rich table, tabulate text, JSON, CSV. Formatting only, no arithmetic."""

from __future__ import annotations
