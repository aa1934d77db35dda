"""The feed walks one index in its order: (organization, pinned, priority, feed_at, id) over
approved items (selectors.feed_page); it replaces the (organization, status, language, …) one."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('content_library', '0005_contentitemapproval'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contentitem',
            name='contentitem_org_feed',
        ),
        migrations.AddIndex(
            model_name='contentitem',
            index=models.Index(condition=models.Q(('feed_at__isnull', False), ('status', 'approved')), fields=['organization', '-is_pinned', '-priority', '-feed_at', '-id'], name='contentitem_feed_order'),
        ),
    ]
