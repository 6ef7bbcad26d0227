"""Countries on pages by name, never by code (core/countries.py)."""

from __future__ import annotations

from django import template

from migrex.core import countries

register = template.Library()


@register.filter
def country(code) -> str:
    """«Казахстан» for KZ, in the active language."""
    return countries.name_of(code)


@register.filter(name="countries")
def countries_filter(codes) -> str:
    """Several countries by name: «Армения; Казахстан»."""
    if isinstance(codes, str):
        codes = [codes]
    return countries.names_of(codes)
