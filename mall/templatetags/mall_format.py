"""Template filters for prices (``{{ price|money }}``)."""

from django import template

from core.money import money as money_format

register = template.Library()


@register.filter
def money(value: object) -> str:
    return money_format(value)
