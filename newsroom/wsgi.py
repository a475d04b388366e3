import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

# Imported once Django is set up: view beacons skip Django's request cycle.
from newsroom.single_process import wsgi_alone  # noqa: E402
from reading.wsgi import ViewBeaconApplication  # noqa: E402

# Without Redis, by declaration: one process only (newsroom/single_process.py).
application = wsgi_alone(ViewBeaconApplication(application))
