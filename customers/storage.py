"""Where face photos live: a private folder that no URL maps to."""

from django.core.files.storage import FileSystemStorage

# No location or base_url: both follow settings.MEDIA_ROOT / MEDIA_URL (None) when used,
# so ``url()`` refuses, and tests can point MEDIA_ROOT elsewhere.
_private = FileSystemStorage()


def face_storage() -> FileSystemStorage:
    """The private storage for face photos."""
    return _private
