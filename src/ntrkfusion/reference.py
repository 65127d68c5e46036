"""The configured genome FASTA: present, indexed, and the genome the alignments were made on.

A wrong reference is silent harm: a CRAM decodes to the wrong bases, and soft clips are looked
up in another genome's exons.  So the reference is checked before any job: it exists, it has
its ``.fai`` (and ``.gzi`` when bgzipped), and every chromosome of an alignment file that it
also holds has the same length; a CRAM's chromosomes carrying NTRK genes must be in it, with
the MD5 the CRAM header records (SAMv1 section 1.3, @SQ M5), when the header has one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pysam

from . import alignment_file as af
from .errors import UserError
from .genome import NTRK_CHROMOSOMES, canonical_contig


@dataclass(frozen=True)
class Reference:
    path: str
    lengths: dict[str, int]  # contig name -> length, as in the .fai

    @classmethod
    def open(cls, path: str | Path) -> "Reference":
        path = Path(path)
        where = f"reference {path}"
        if not path.is_file():
            raise UserError(f"{where}: file not found")
        compressed = af.sniff(path) in ("gzip", "bgzf")
        if af.sniff(path) == "gzip":
            raise UserError(f"{where}: gzip-compressed, not bgzip; recompress it with `bgzip` and index it "
                            "with `samtools faidx`")  # fmt: skip
        fai = Path(str(path) + ".fai")
        if not fai.is_file():
            raise UserError(f"{where}: no index ({fai.name}); create it with `samtools faidx {path}`")
        if compressed and not Path(str(path) + ".gzi").is_file():
            raise UserError(f"{where}: bgzipped without its .gzi; re-index it with `samtools faidx {path}`")
        lengths = {}
        for line in fai.read_text().splitlines():
            fields = line.split("\t")
            if len(fields) < 2 or not fields[1].isdigit():
                raise UserError(f"{where}: {fai.name} is not a FASTA index; re-create it with `samtools faidx {path}`")
            lengths[fields[0]] = int(fields[1])
        if not lengths:
            raise UserError(f"{where}: {fai.name} lists no sequence")
        return cls(str(path), lengths)

    def matches(self, header: dict, is_cram: bool) -> tuple[str | None, str | None]:
        """(problem, warning) of using this reference with an alignment file's header."""
        ours = {canonical_contig(name): (name, n) for name, n in self.lengths.items()}
        ntrk_missing = []
        for sq in header.get("SQ", []):
            canon = canonical_contig(sq["SN"])
            if canon not in ours:
                if canon in NTRK_CHROMOSOMES:
                    ntrk_missing.append(sq["SN"])
                continue
            name, length = ours[canon]
            if length != int(sq["LN"]):
                return (f"reference {self.path} is another genome: {sq['SN']} is {sq['LN']} bases in the alignment "
                        f"header, {name} {length} in the reference"), None  # fmt: skip
            if is_cram and sq["SN"] != name:
                return (f"reference {self.path} names {sq['SN']} {name}: a CRAM needs the exact names it was "
                        "written with"), None  # fmt: skip
            if is_cram and canon in NTRK_CHROMOSOMES and sq.get("M5") and sq["M5"] != sequence_md5(self.path, name):
                return (f"reference {self.path} is not the genome this CRAM was written with ({sq['SN']} MD5 "
                        f"differs); set `reference` to that genome"), None  # fmt: skip
        if ntrk_missing:
            return f"reference {self.path} has no {', '.join(ntrk_missing)} (NTRK chromosomes)", None
        if is_cram:
            return None, self._ur_warning(header)
        return None, None

    def _ur_warning(self, header: dict) -> str | None:
        urls = {sq.get("UR") for sq in header.get("SQ", []) if sq.get("UR") and not sq.get("M5")}
        for url in sorted(u for u in urls if u):
            local = Path(url.removeprefix("file://"))
            if local.is_absolute() and local.resolve() != Path(self.path).resolve():
                return f"the CRAM header names reference {url} (no MD5 to compare); decoded with {self.path}"
        return None


@lru_cache(maxsize=8)
def sequence_md5(path: str, contig: str) -> str:
    """The SAM-spec MD5 of one reference sequence (upper case, no whitespace)."""
    with pysam.FastaFile(path) as fasta:
        return hashlib.md5(fasta.fetch(contig).upper().encode()).hexdigest()
