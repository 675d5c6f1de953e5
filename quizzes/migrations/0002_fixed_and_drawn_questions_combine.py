"""Fixed and drawn questions now combine in every attempt. Before, a quiz used one or the other
(its "draw at random" box decided) and silently ignored the rest: that ignored part is removed,
so every quiz keeps asking exactly what it asked."""

from django.db import migrations


def drop_ignored_questions(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    QuizQuestion = apps.get_model("quizzes", "QuizQuestion")
    DrawRule = apps.get_model("quizzes", "DrawRule")
    drawing = Quiz.objects.filter(random_draw=True).values("pk")
    QuizQuestion.objects.filter(quiz__in=drawing).delete()
    DrawRule.objects.exclude(quiz__in=drawing).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_ignored_questions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="quiz", name="random_draw"),
    ]
