from django import forms

from core.widgets import LongSelect


class Filter(forms.Form):
    unit = forms.ChoiceField(
        choices=[("", "全部"), ("1", "<b>办公室</b>"), ("2", "信息科")], widget=LongSelect
    )


def test_long_select_renders_like_djangos_select():
    html = Filter({"unit": "2"})["unit"].as_widget(attrs={"aria-describedby": "id_unit_helptext"})

    assert html.startswith('<select name="unit"')
    assert 'id="id_unit"' in html and 'aria-describedby="id_unit_helptext"' in html and " required" in html
    assert '<option value="2" selected>信息科</option>' in html
    assert '<option value="1">&lt;b&gt;办公室&lt;/b&gt;</option>' in html
    assert html.count("<option") == 3
