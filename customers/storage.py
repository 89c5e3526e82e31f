"""Where face photos live: a private folder that no URL maps to."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def face_storage() -> FileSystemStorage:
    """The private storage for face photos, read from settings when first used."""
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)
