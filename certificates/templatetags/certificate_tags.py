"""The official's certificate where a page above certificates shows it (a curriculum page)."""

from django import template

from certificates import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def curriculum_certificate(context, curriculum):
    """{% curriculum_certificate page as certificate %}: the official's valid certificate."""
    return selectors.certificate_for(user=context["request"].user, curriculum_id=curriculum.pk)
