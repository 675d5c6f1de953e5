"""POST data for the admin's user, group and unit forms, as a browser would send them."""

from django.contrib.auth.models import Permission


def user_data(user=None, *, password="", **changes):
    """The user form's fields with the person's current values, then the changes."""
    data = {}
    if user is not None:
        data = {
            "employee_id": user.employee_id,
            "full_name": user.full_name,
            "org_unit": user.org_unit_id or "",
            "position": user.position,
            "rank": user.rank,
            "phone": user.phone,
            "email": user.email,
            "managed_units": [unit.pk for unit in user.managed_units.all()],
            "groups": [group.pk for group in user.groups.all()],
        }
        if user.is_active:
            data["is_active"] = "on"
    data.update({"password1": password, "password2": password})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def permission_pks(*keys):
    """Primary keys of permissions named "app_label.codename"."""
    pks = []
    for key in keys:
        app_label, codename = key.split(".")
        pks.append(Permission.objects.get(content_type__app_label=app_label, codename=codename).pk)
    return pks


def group_data(client, url, *, name, permissions=()):
    """The group form with its permission panels as the page renders them (empty formsets for a
    group without page or collection permissions)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = {"name": name, "permissions": list(permissions)}
    for panel in response.context["permission_panels"]:
        management = getattr(panel, "management_form", None)
        if management is None:
            continue
        for field in management.fields:
            data[management.add_prefix(field)] = management[field].value()
    return data
