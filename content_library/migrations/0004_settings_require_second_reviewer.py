"""An organization may require two distinct reviewers to approve an item."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('content_library', '0003_contentitem_status_review_states'),
    ]

    operations = [
        migrations.AddField(
            model_name='contentlibrarysettings',
            name='require_second_reviewer',
            field=models.BooleanField(default=False, verbose_name='require a second reviewer: two colleagues must approve each item'),
        ),
    ]
