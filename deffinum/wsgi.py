import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")

application = get_wsgi_application()

# Sessions, CSRF tokens and signed values must survive a restart and be shared by every
# instance: a server never runs on the throwaway key that management commands may use.
if not (settings.DEBUG or settings.SECRET_KEY_FROM_ENVIRONMENT):
    raise ImproperlyConfigured("SECRET_KEY doit être définie quand DEBUG est désactivé.")
