"""What a server (WSGI or ASGI) checks before it serves anything."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """Sessions, CSRF tokens and signed values must survive a restart and be shared by every
    worker and instance: a server never runs on the throwaway key that management commands may
    use (each worker would sign with its own)."""
    if not (settings.DEBUG or settings.SECRET_KEY_FROM_ENVIRONMENT):
        raise ImproperlyConfigured("SECRET_KEY doit être définie quand DEBUG est désactivé.")
