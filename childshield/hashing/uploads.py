"""Uploads of pictures and videos to be hashed: kept in memory, never in a temporary file, and capped."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class MemoryOnlyUpload(FileUploadHandler):
    """Keeps an upload in memory and calls `too_large` (which should raise) past `max_bytes`.

    Django writes uploads over 2.5 MB to a temporary file; content sent for matching must never
    reach the disk, so this handler replaces Django's for the views that hash.
    """

    def __init__(self, request: HttpRequest, *, max_bytes: int, too_large: Callable[[], None]) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = too_large

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.chunks: list[bytes] = []
        self.size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self.chunks = []
            self.too_large()
            raise StopUpload(connection_reset=False)
        self.chunks.append(raw_data)
        return None

    def file_complete(self, file_size: int) -> Any:
        buffer = io.BytesIO(b"".join(self.chunks))
        self.chunks = []
        return InMemoryUploadedFile(
            buffer, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )
