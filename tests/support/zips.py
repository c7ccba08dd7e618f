"""Hostile zips of submissions: a zip bomb (a small file that unpacks to a huge member) and
members with unsafe paths or types, written byte by byte where zipfile would refuse or be slow."""
import stat
import struct
import zipfile
import zlib

MB = 2 ** 20


def deflated_zeros(size):
    """(raw deflate stream of `size` zero bytes, its CRC-32), built from one compressed
    megabyte repeated (each piece ends on a byte boundary, so the pieces concatenate)."""
    assert size % MB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(b"\0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(b"\0" * MB, crc)
    return piece * (size // MB) + compressor.flush(), crc


def write_zip_bomb(path, member, size):
    """A zip holding `member`: `size` bytes of zeros (at most 4 GiB - 1), deflated to about a
    thousandth of that."""
    data, crc = deflated_zeros(size)
    name = member.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, zipfile.ZIP_DEFLATED, 0, 0, crc, len(data), size,
                        len(name), 0) + name
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, zipfile.ZIP_DEFLATED, 0, 0, crc, len(data),
                          size, len(name), 0, 0, 0, 0, 0o100644 << 16, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    with open(path, "wb") as handle:
        handle.write(local + data + central + end)
    return path


def add_symlink(archive, name, target):
    """Add member `name` to an open ZipFile as a symbolic link to `target` (as Info-ZIP stores one)."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive.writestr(info, target)
