from django.db import migrations
from django.db.models import Q


def lesson_quizzes_keep_their_key(apps, schema_editor):
    """Lesson quizzes that complete their lesson show the key once passed or after the last
    attempt allowed, as final exams do since 0007; practice quizzes keep theirs. A quiz's
    latest revision and any version scheduled to go live are changed too: approving or
    publishing either would bring the key after each attempt back."""
    Quiz = apps.get_model("quizzes", "Quiz")
    Revision = apps.get_model("wagtailcore", "Revision")
    completing = Quiz.objects.filter(Q(lesson__completion_rule="quiz") | Q(course__isnull=False))
    scheduled = Revision.objects.filter(
        content_type__app_label="quizzes",
        content_type__model="quiz",
        object_id__in=[str(pk) for pk in completing.values_list("pk", flat=True)],
        approved_go_live_at__isnull=False,
    )
    latest = Revision.objects.filter(pk__in=completing.values("latest_revision_id"))
    for revision in latest.union(scheduled):
        if revision.content.get("review_policy") == "after_each":
            revision.content["review_policy"] = "after_last"
            revision.save(update_fields=["content"])
    completing.filter(review_policy="after_each").update(review_policy="after_last")


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0001_initial"),
        ("quizzes", "0007_review_after_last_attempt"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(lesson_quizzes_keep_their_key, migrations.RunPython.noop),
    ]
