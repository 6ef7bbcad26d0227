import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from migrex.core.proxy import behind_proxy

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = behind_proxy(get_wsgi_application(), settings.MIGREX_TRUSTED_PROXY)
