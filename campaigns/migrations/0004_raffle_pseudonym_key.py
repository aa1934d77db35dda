import secrets

from django.db import migrations, models


def give_each_raffle_a_key(apps, schema_editor):
    """Raffles made before the field existed get their own secret key, like new ones."""
    Raffle = apps.get_model("campaigns", "Raffle")
    for raffle in Raffle.objects.filter(pseudonym_key="").only("pk"):
        Raffle.objects.filter(pk=raffle.pk).update(pseudonym_key=secrets.token_hex(32))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_redemption_request_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="raffle",
            name="pseudonym_key",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(give_each_raffle_a_key, migrations.RunPython.noop),
    ]
