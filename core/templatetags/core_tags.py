from django import template

from core.cache import shared_cache_reachable

register = template.Library()


@register.filter
def accessible_widget(bound_field):
    """Render a field's widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    described_by = []
    attrs = {}
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def minutes(duration) -> int:
    """Whole minutes in a timedelta, rounded up, for messages such as a lockout's length."""
    if duration is None:
        return 0
    return -(-int(duration.total_seconds()) // 60)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or an empty string."""
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def shared_cache_down() -> bool:
    """For pages refused because limits could not be counted: say why, not "too many"."""
    return not shared_cache_reachable()
