import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_asgi_application()

from newsroom.single_process import asgi_alone  # noqa: E402

# Without Redis, by declaration: one process only (newsroom/single_process.py).
application = asgi_alone(application)
