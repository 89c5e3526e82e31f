from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """The writes that span apps (a sighting, a sale, a want recorded, a restock, a hold, the
    purge): they call each app's services and are the only code that pushes, on commit."""

    name = "workflows"
