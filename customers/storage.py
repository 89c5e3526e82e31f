"""Where face photos live: a private folder that no URL maps to."""

from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under ``MEDIA_ROOT`` (read when used, so tests can move it) with no URL:
    only an authorised view streams them."""

    def url(self, name: str | None) -> str:
        raise ValueError("Face photos have no public URL; use the authorised view.")


_private = PrivateStorage()


def face_storage() -> FileSystemStorage:
    """The private storage for face photos."""
    return _private
