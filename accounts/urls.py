"""allauth's headless sign-up endpoint, answered by LearnHub's input (``accounts.signup``).

Mounted in front of ``allauth.headless.urls``, at the same paths, for each client.
"""

from allauth.headless import app_settings as headless_settings
from allauth.headless.constants import Client
from django.urls import path

from accounts.signup import AccountSignupView

urlpatterns = [
    path(
        f"{client.value}/v1/auth/signup",
        AccountSignupView.as_api_view(client=client),
        name=f"headless-{client.value}-signup",
    )
    for client in Client
    if client in headless_settings.CLIENTS
]
