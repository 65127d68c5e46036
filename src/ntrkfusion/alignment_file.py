"""What an alignment file is, read from its bytes: format, completeness, index header, fingerprint.

Each check reads a few bytes at the start or end of a file (no alignment record), so a cohort
of a thousand BAMs is checked in about a second.  The byte layouts are those of the SAM/BAM
specification (hts-specs SAMv1.pdf, section 4: BGZF and the BAM magic; 5.2: BAI; CSIv1.pdf)
and the CRAM specification (CRAMv3.pdf, section 9: the EOF container).
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"
# An empty BGZF block: every complete BAM ends with it (SAMv1 section 4.1.2).
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
# The CRAM 3.x end-of-file container (CRAMv3 section 9).
CRAM3_EOF = bytes.fromhex("0f000000ffffffff0fe0454f46000000000100 05bdd94f0001000606010001000100ee63014b".replace(" ", ""))
FINGERPRINT_BYTES = 65536  # read from each end of a file for its content fingerprint


def sniff(path: Path) -> str:
    """'bam', 'cram', 'sam' (text starting with a SAM header line or record), 'text' (other
    text), 'gzip' (not BGZF), 'bgzf' (BGZF but not BAM), 'empty' or 'other'."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head:
        return "empty"
    if head.startswith(b"CRAM"):
        return "cram"
    if head.startswith(GZIP_MAGIC):
        if len(head) >= 18 and head[3] & 4 and head[12:14] == b"BC":  # the BGZF extra field
            try:
                block = zlib.decompressobj(-15).decompress(head[18:])
            except zlib.error:
                return "gzip"
            return "bam" if block.startswith(b"BAM\x01") or not block else "bgzf"
        return "gzip"
    text = head[:4096]
    if not _is_text(text):
        return "other"
    first = text.split(b"\n", 1)[0].split(b"\t")
    if text[:3] in (b"@HD", b"@SQ", b"@RG", b"@PG", b"@CO") or (
        len(first) >= 11 and first[1].isdigit() and first[3].isdigit()
    ):
        return "sam"
    return "text"


def _is_text(data: bytes) -> bool:
    return all(b in b"\t\n\r" or 32 <= b < 127 for b in data)


def is_complete(path: Path, kind: str) -> bool:
    """Does the file end with its format's end-of-file marker?"""
    marker = BGZF_EOF if kind == "bam" else CRAM3_EOF
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() < len(marker):
            return False
        fh.seek(-len(marker), os.SEEK_END)
        return fh.read() == marker


def cram_version(path: Path) -> int | None:
    """The major version of a CRAM file (None when the file is too short to say)."""
    with open(path, "rb") as fh:
        head = fh.read(6)
    return head[4] if len(head) == 6 else None


def index_reference_count(index: Path) -> int | None:
    """The number of reference sequences an index was made for (BAI, CSI); None for CRAI."""
    with open(index, "rb") as fh:
        data = fh.read(1 << 20)
    if data.startswith(GZIP_MAGIC):  # CSI is BGZF-compressed
        try:
            data = zlib.decompressobj(31).decompress(data)
        except zlib.error:
            return None
    if data.startswith(b"BAI\x01") and len(data) >= 8:
        return struct.unpack("<i", data[4:8])[0]
    if data.startswith(b"CSI\x01") and len(data) >= 16:
        l_aux = struct.unpack("<i", data[12:16])[0]
        if len(data) >= 20 + l_aux:
            return struct.unpack("<i", data[16 + l_aux : 20 + l_aux])[0]
    return None


def fingerprint(path: Path) -> str:
    """A cheap content fingerprint: size, modification time and the first and last 64 KiB.

    A BAM replaced by another one keeps neither its size nor its first block (the header, with
    its read groups and @PG lines), whatever its timestamp (``cp -p``, ``rsync -a``)."""
    stat = path.stat()
    digest = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    with open(path, "rb") as fh:
        digest.update(fh.read(FINGERPRINT_BYTES))
        if stat.st_size > FINGERPRINT_BYTES:
            fh.seek(max(FINGERPRINT_BYTES, stat.st_size - FINGERPRINT_BYTES))
            digest.update(fh.read())
    return digest.hexdigest()[:32]


def first_bad_block(path: Path) -> int | None:
    """The byte offset of the first BGZF block of a BAM that cannot be decompressed (its deflate
    data or its CRC32 is wrong, or its header is not a BGZF header: SAMv1 section 4.1), or None when
    every block is sound.  Reads the whole file: only to explain a read that failed."""
    with open(path, "rb") as fh:
        offset = 0
        while True:
            head = fh.read(18)
            if not head:
                return None
            if len(head) < 18 or head[:2] != GZIP_MAGIC or not head[3] & 4 or head[12:14] != b"BC":
                return offset
            size = struct.unpack("<H", head[16:18])[0] + 1  # BSIZE: the block's total size - 1
            rest = fh.read(size - 18)
            if len(rest) != size - 18:
                return offset
            try:
                data = zlib.decompressobj(-15).decompress(rest[:-8])
            except zlib.error:
                return offset
            crc, isize = struct.unpack("<II", rest[-8:])
            if zlib.crc32(data) != crc or len(data) != isize:
                return offset
            offset += size
