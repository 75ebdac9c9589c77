"""Figures on the dashboard and reports, formatted the same way everywhere (dashboard.reports.display)."""

from django import template

from dashboard.reports import display

register = template.Library()


@register.filter
def figure(value, kind: str) -> str:
    return display(value, kind)


@register.filter
def change(value) -> str:
    """A relative change as "+12.5 %" / "-3.0 %"; "-" without a previous value to compare with."""
    return "-" if value is None else f"{value * 100:+.1f} %"


@register.filter
def trend(value) -> str:
    """The CSS class of a change: up, down or flat."""
    if not value:
        return "flat"
    return "up" if value > 0 else "down"
