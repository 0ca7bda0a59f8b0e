"""Web pages of the evidence app; each module owns its ``urlpatterns``."""
