"""One row per reviewer who approved an item as it stands."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('advocacy', '0003_member_search_trigram'),
        ('content_library', '0004_settings_require_second_reviewer'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContentItemApproval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approvals', to='content_library.contentitem')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='advocacy.organization')),
                ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='advocacy.membership')),
            ],
            options={
                'verbose_name': 'approval',
                'verbose_name_plural': 'approvals',
                'ordering': ('created_at', 'id'),
                'indexes': [models.Index(fields=['organization', 'item'], name='approval_org_item')],
                'constraints': [models.UniqueConstraint(fields=('item', 'reviewer'), name='approval_one_per_reviewer')],
            },
        ),
    ]
