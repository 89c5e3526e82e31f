from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"

    def ready(self) -> None:
        from matching.index.triggers import triggers_ensure

        # SQLite rebuilds a table for some column changes, and the rebuilt one has lost
        # the change-log triggers: every migrate puts back what is missing.
        post_migrate.connect(triggers_ensure, sender=self, dispatch_uid="matching_triggers")
