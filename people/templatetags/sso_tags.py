from django import template

from ..sso import sign_in_links

register = template.Library()


@register.simple_tag
def sso_sign_in_links():
    return sign_in_links()
