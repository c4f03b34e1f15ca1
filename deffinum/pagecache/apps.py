from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "deffinum.pagecache"
    label = "pagecache"
    verbose_name = "Cache des pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import versions

        versions.watch_writes()
