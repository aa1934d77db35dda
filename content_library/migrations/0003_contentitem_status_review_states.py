"""Items can be returned with requested changes, or rejected (status values grow past 16 characters)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('content_library', '0002_search_gin_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contentitem',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('changes_requested', 'Changes requested'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('archived', 'Archived')], default='draft', max_length=20, verbose_name='status'),
        ),
    ]
