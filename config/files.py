"""What a file named in the config really is, read from its own bytes (never its name).

``/etc/passwd`` as a font, a web page saved as ``logo.png`` or a logo cut short by a
failed copy would pass an "is it a file?" check and then stop the screen at its first
frame. These checks read the file's structure, without pygame (the config may not import
it): a font's table directory, an image's chunks and size, an SQLite header, TLS files
loaded by ``ssl`` as paho loads them. Each answers None when the file is what it should
be, else a short reason for the loader's line.
"""

from __future__ import annotations

import ssl
import struct
import zlib
from pathlib import Path

FONT_KINDS = "TrueType, OpenType, TTC or WOFF"
IMAGE_KINDS = "PNG, JPEG, BMP or GIF"
MAX_PIXELS = 7680 * 4320
"""The largest image the board loads: the largest screen (8K). Each pixel takes 4 bytes."""
MAX_IMAGE_BYTES = 64 * 1024 * 1024
_SFNT_TAGS = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"typ1")
_PNG = b"\x89PNG\r\n\x1a\n"
_SQLITE = b"SQLite format 3\x00"


def _read(path: Path, limit: int) -> tuple[bytes, int] | str:
    """The first ``limit`` bytes and the size, or why the file cannot be read."""
    try:
        if path.is_dir():
            return "it is a folder"
        with path.open("rb") as file:
            return file.read(limit), path.stat().st_size
    except FileNotFoundError:
        return "there is no such file"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"


def _sfnt_problem(head: bytes, offset: int, size: int) -> str | None:
    """One font's table directory at ``offset``: its tables must lie inside the file."""
    if len(head) < offset + 12 or head[offset : offset + 4] not in _SFNT_TAGS:
        return "it is not a font"
    (tables,) = struct.unpack_from(">H", head, offset + 4)
    end = offset + 12 + 16 * tables
    if tables == 0 or end > len(head):
        return "it is cut short" if tables else "it has no font tables"
    for i in range(tables):
        table_offset, length = struct.unpack_from(">II", head, offset + 12 + 16 * i + 8)
        if table_offset + length > size:
            return "it is cut short"
    return None


def font_problem(path: Path) -> str | None:
    """None for a TrueType or OpenType font, a collection of them (.ttc) or WOFF."""
    read = _read(path, 64 * 1024)
    if isinstance(read, str):
        return read
    head, size = read
    if head[:4] == b"wOFF":
        if len(head) < 44:
            return "it is cut short"
        (length,) = struct.unpack_from(">I", head, 8)
        return None if length == size else "it is cut short"
    if head[:4] == b"ttcf":
        if len(head) < 12:
            return "it is cut short"
        (count,) = struct.unpack_from(">I", head, 8)
        if count == 0 or len(head) < 12 + 4 * count:
            return "it is cut short" if count else "it holds no fonts"
        for (offset,) in struct.iter_unpack(">I", head[12 : 12 + 4 * count]):
            problem = _sfnt_problem(head, offset, size)
            if problem is not None:
                return problem
        return None
    return _sfnt_problem(head, 0, size)


def _png_size(data: bytes) -> tuple[int, int] | str:
    """Every chunk whole, with a correct checksum, from IHDR to IEND."""
    at = len(_PNG)
    width = height = 0
    while at + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            break
        if zlib.crc32(data[at + 4 : end - 4]) != struct.unpack_from(">I", data, end - 4)[0]:
            return "it is damaged"
        if at == len(_PNG):
            if kind != b"IHDR" or length < 8:
                return "it is damaged"
            width, height = struct.unpack_from(">II", data, at + 8)
        if kind == b"IEND":
            return width, height
        at = end
    return "it is cut short"


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | str:
    """The frame header's size, and the end-of-image marker after the scan."""
    at = 2
    size: tuple[int, int] | None = None
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return "it is damaged"
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack_from(">HH", data, at + 5)
            size = (width, height)
        if marker == 0xDA:  # start of scan: the picture's data follows, up to FFD9
            if size is None:
                return "it is damaged"
            return size if data.rfind(b"\xff\xd9") > at else "it is cut short"
        at += 2 + length
    return "it is cut short"


def _image_size(data: bytes) -> tuple[int, int] | str:
    if data.startswith(_PNG):
        return _png_size(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_size(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        if len(data) < 13 or not data.rstrip(b"\x00").endswith(b";"):
            return "it is cut short"
        width, height = struct.unpack_from("<HH", data, 6)
        return width, height
    if data[:2] == b"BM" and len(data) >= 26:
        return _bmp_size(data)
    return "it is not an image"


def _bmp_size(data: bytes) -> tuple[int, int] | str:
    """The size, and (uncompressed) all the rows of pixels the header promises."""
    pixels_at, header = struct.unpack_from("<II", data, 10)
    if header == 12:  # the old OS/2 header: 16-bit sizes
        width, height, _, bits = struct.unpack_from("<HHHH", data, 18)
        compression = 0
    elif len(data) >= 34:
        width, height, _, bits, compression = struct.unpack_from("<iiHHI", data, 18)
    else:
        return "it is cut short"
    width, height = abs(width), abs(height)
    row = (bits * width + 31) // 32 * 4
    needed = pixels_at + (row * height if compression in (0, 3) else 1)
    return (width, height) if needed <= len(data) else "it is cut short"


def image_problem(path: Path) -> str | None:
    """None for a whole PNG, JPEG, BMP or GIF the board can hold in memory."""
    read = _read(path, MAX_IMAGE_BYTES + 1)
    if isinstance(read, str):
        return read
    data, size = read
    if size > MAX_IMAGE_BYTES:
        return f"it is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
    found = _image_size(data)
    if isinstance(found, str):
        return found
    width, height = found
    if width == 0 or height == 0:
        return "it is damaged (it has no pixels)"
    if width * height > MAX_PIXELS:
        return f"it is {width}x{height} pixels, more than a 7680x4320 screen"
    return None


def sqlite_problem(path: Path) -> str | None:
    """None for an SQLite database, or a file that does not exist yet or is empty."""
    if not path.exists():
        return None
    read = _read(path, len(_SQLITE))
    if isinstance(read, str):
        return read
    head, size = read
    if size == 0 or head == _SQLITE:
        return None
    return "it is not an SQLite database"


PASSPHRASE = "nobody can type one at start"
"""The reason given for a client key that asks for a passphrase."""


class _Passphrase(Exception):
    """The client key asked for a passphrase."""


def _no_passphrase() -> str:
    raise _Passphrase


def _ssl_reason(exc: ssl.SSLError | OSError) -> str:
    reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
    return str(reason).lower().replace("_", " ")


def ca_problem(path: Path) -> str | None:
    """None for a PEM file of CA certificates ``ssl`` loads."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        return _ssl_reason(exc)
    return None


def client_certificate_problem(cert: Path, key: Path | None) -> str | None:
    """None for a PEM client certificate and its key (in ``key``, or in the same file)
    that ``ssl`` loads without asking for a passphrase; else ``PASSPHRASE`` or why not."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_cert_chain(str(cert), str(key) if key else None, password=_no_passphrase)
    except _Passphrase:
        return PASSPHRASE
    except (ssl.SSLError, OSError) as exc:
        return _ssl_reason(exc)
    return None
