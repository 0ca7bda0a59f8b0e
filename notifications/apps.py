from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # partnerships sits below notifications: its services tell people through here.
        from notifications.services import notify_tidings
        from partnerships.telling import teller_register

        teller_register(notify_tidings)
