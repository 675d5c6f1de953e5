# One VALID certificate per official and curriculum (was: one not superseded), so that a revoked
# certificate can stand beside its corrected re-issue. Every existing row already satisfies the
# narrower condition.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificate",
            name="certificates_one_per_curriculum",
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "valid")),
                fields=("user", "curriculum"),
                name="certificates_one_valid_per_curriculum",
            ),
        ),
    ]
