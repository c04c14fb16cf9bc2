from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="审计密钥标识"),
            preserve_default=False,
        ),
    ]
