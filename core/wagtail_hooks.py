"""The admin on an isolated intranet: no help links to wagtail.org that cannot load there."""

from wagtail import hooks

OUTSIDE_HELP_ITEMS = {"editor-guide"}


@hooks.register("construct_help_menu")
def help_menu_without_outside_links(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in OUTSIDE_HELP_ITEMS and not item.name.startswith("whats-new-in-wagtail")
    ]
