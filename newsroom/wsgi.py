import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

# Imported once Django is set up: view beacons skip Django's request cycle.
from related.wsgi import ViewBeaconApplication  # noqa: E402

application = ViewBeaconApplication(application)
