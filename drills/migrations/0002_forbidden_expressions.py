"""The forbidden expressions trainers start from: phrases that have turned incidents into crises
(taken from published critiques of government responses). Trainers edit the list."""

from django.db import migrations

EXPRESSIONS = [
    ("无可奉告", "拒绝回应公众关切，会被视为隐瞒，激化舆情。"),
    ("临时工", "推卸责任的典型说法，公众普遍反感，损害政府公信力。"),
    ("不明真相的群众", "给公众贴标签，把关切者推向对立面。"),
    ("情绪稳定", "冷漠、回避实质问题，易引发二次舆情。"),
    ("你是替党说话还是替老百姓说话", "制造对立的错误表述。"),
    ("别有用心", "未经查证给发帖人定性，激化对立。"),
    ("纯属谣言", "未公布核查依据就下结论，说服力不足；应说明已查明的事实。"),
    ("领导高度重视", "空泛套话，不回应具体关切，应改为具体措施和时间表。"),
    ("正在调查中，请耐心等待", "只说等待不给进展和时间节点，易被视为拖延。"),
    ("这是个人行为", "急于切割责任，回避管理责任。"),
]


def seed(apps, schema_editor):
    ForbiddenExpression = apps.get_model("drills", "ForbiddenExpression")
    for phrase, reason in EXPRESSIONS:
        ForbiddenExpression.objects.get_or_create(phrase=phrase, defaults={"reason": reason})


class Migration(migrations.Migration):
    dependencies = [("drills", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
