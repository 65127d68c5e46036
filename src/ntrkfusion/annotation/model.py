"""Look-ups on a loaded annotation: position -> gene/transcript/exon, and the reading frame of a join.

Positions given to and returned by this module are 1-based (as in reports); the
tables underneath are 0-based half-open.  Contig names may be given with or without
the ``chr`` prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from ..genome import canonical_contig
from ..paths import bundled_annotation_dir
from .tables import read_table


EXON_COLUMNS = ["transcript_id", "exon_number", "start", "end", "cds_offset", "phase", "end_phase"]


@dataclass(frozen=True)
class Locus:
    """Where a 1-based position falls in one transcript."""

    gene: str
    transcript_id: str
    refseq_id: str | None
    strand: str
    region: str  # "exon" or "intron"
    number: int  # exon number, or intron number (intron n lies between exons n and n+1)
    cds_offset: int | None  # 0-based offset of the base in the CDS; None outside the CDS


@dataclass(frozen=True)
class KinaseDomain:
    gene: str
    transcript_id: str
    chrom: str
    start: int  # 1-based, genomic, first base of the domain's coding part
    end: int
    cds_start_offset: int  # 0-based CDS offset of the domain's first base (transcript direction)
    cds_end_offset: int
    first_exon: int  # the exons that encode the domain
    last_exon: int


class Annotation:
    """One genome build's transcript models (one per gene)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.transcripts = read_table(self.directory, "transcripts")
        exons = read_table(self.directory, "exons", EXON_COLUMNS).set_index("transcript_id")
        if not exons.index.is_monotonic_increasing:  # tables written by an older version
            exons = exons.sort_index()
        self._exons = exons
        self._exon_cache: dict[str, pd.DataFrame] = {}
        self._boundary_cache: dict[str, tuple[dict[int, int], dict[int, int]]] = {}
        self._gene_index: dict[str, tuple[pd.DataFrame, np.ndarray, np.ndarray]] | None = None
        self._by_chrom = {
            c: (t, t["tx_start"].to_numpy(), t["tx_end"].to_numpy())
            for c, t in self.transcripts.groupby("chrom", sort=False)
        }
        self._by_gene = self.transcripts.set_index("gene", drop=False)
        self._by_id = self.transcripts.set_index("transcript_id", drop=False)
        self.info = _read_json(self.directory / "build.json")
        self.build = self.info.get("build", self.directory.name)

    # -- transcripts and exons -------------------------------------------------
    def transcript(self, key: str) -> pd.Series:
        """A transcript row by gene symbol or transcript id (versioned or not)."""
        if key in self._by_gene.index:
            return self._by_gene.loc[key]
        if key in self._by_id.index:
            return self._by_id.loc[key]
        base = key.split(".")[0]
        hits = self.transcripts[self.transcripts["transcript_id"].str.split(".").str[0] == base]
        if len(hits) == 1:
            return hits.iloc[0]
        raise KeyError(f"{key} is not in the {self.build} annotation")

    def exons(self, key: str) -> pd.DataFrame:
        """Exons of a transcript (by gene or id), in transcript order (exon 1 first)."""
        tx = self.transcript(key)
        return self._transcript_exons(tx["transcript_id"]).assign(
            transcript_id=tx["transcript_id"], gene=tx["gene"], chrom=tx["chrom"], strand=tx["strand"]
        )

    def all_exons(self) -> pd.DataFrame:
        """Every exon with its transcript's gene, chrom and strand, in transcript and exon order."""
        info = self.transcripts.set_index("transcript_id")[["gene", "chrom", "strand"]]
        exons = self._exons.join(info).reset_index()
        return exons.sort_values(["transcript_id", "exon_number"], ignore_index=True)

    def _transcript_exons(self, tx_id: str) -> pd.DataFrame:
        exons = self._exon_cache.get(tx_id)
        if exons is None:
            exons = self._exons.loc[[tx_id]].sort_values("exon_number", ignore_index=True)
            self._exon_cache[tx_id] = exons
        return exons

    def exon(self, key: str, number: int) -> pd.Series:
        exons = self.exons(key)
        hit = exons[exons["exon_number"] == number]
        if hit.empty:
            raise KeyError(f"{key} has no exon {number}")
        return hit.iloc[0]

    def exon_ends(self, key: str) -> dict[int, int]:
        """Exon number -> 1-based position of its last base in transcript direction (donor side)."""
        return self._boundaries(key)[0]

    def exon_starts(self, key: str) -> dict[int, int]:
        """Exon number -> 1-based position of its first base in transcript direction (acceptor side)."""
        return self._boundaries(key)[1]

    def _boundaries(self, key: str) -> tuple[dict[int, int], dict[int, int]]:
        tx = self.transcript(key)
        cached = self._boundary_cache.get(tx["transcript_id"])
        if cached is None:
            exons = self._transcript_exons(tx["transcript_id"])
            numbers = exons["exon_number"].astype(int)
            plus = tx["strand"] == "+"
            ends = exons["end"] if plus else exons["start"] + 1
            starts = exons["start"] + 1 if plus else exons["end"]
            cached = (dict(zip(numbers, ends.astype(int))), dict(zip(numbers, starts.astype(int))))
            self._boundary_cache[tx["transcript_id"]] = cached
        return cached

    def exon_end(self, key: str, number: int) -> int:
        """1-based position of an exon's last base in transcript direction (the donor side)."""
        try:
            return self.exon_ends(key)[number]
        except KeyError:
            raise KeyError(f"{key} has no exon {number}") from None

    def exon_start(self, key: str, number: int) -> int:
        """1-based position of an exon's first base in transcript direction (the acceptor side)."""
        try:
            return self.exon_starts(key)[number]
        except KeyError:
            raise KeyError(f"{key} has no exon {number}") from None

    # -- positions ---------------------------------------------------------------
    def structure_in(self, chrom: str, start: int, end: int) -> list[dict]:
        """The exons and introns (0-based half-open) of every transcript model overlapping a window
        (0-based half-open ``start``..``end`` of a chr-named contig), each named by its gene."""
        entry = self._by_chrom.get(canonical_contig(chrom))
        if entry is None:
            return []
        table, starts, ends = entry
        out = []
        for i in np.flatnonzero((starts < end) & (ends > start)):
            tx = table.iloc[i]
            exons = self._transcript_exons(tx["transcript_id"])
            parts = [("exon", int(e.exon_number), int(e.start), int(e.end)) for e in exons.itertuples()]
            ordered = sorted(parts, key=lambda x: x[2])
            for (_, n1, _, e1), (_, n2, s2, _) in zip(ordered, ordered[1:]):
                parts.append(("intron", min(n1, n2), e1, s2))  # intron n lies between exons n and n + 1
            out += [dict(gene=tx["gene"], strand=tx["strand"], kind=kind, number=n, start=s, end=e)
                    for kind, n, s, e in parts if s < end and e > start]  # fmt: skip
        return out

    def locate(self, chrom: str, pos: int) -> list[Locus]:
        """Every transcript model covering a 1-based position, with exon or intron number."""
        entry = self._by_chrom.get(canonical_contig(chrom))
        if entry is None:
            return []
        table, starts, ends = entry
        p = pos - 1
        hits = np.flatnonzero((starts <= p) & (ends > p))
        return [self._locus(table.iloc[i], p) for i in hits]

    def locate_in(self, key: str, pos: int) -> Locus | None:
        """Where a 1-based position falls in one given transcript (None outside it)."""
        tx = self.transcript(key)
        p = pos - 1
        if not tx["tx_start"] <= p < tx["tx_end"]:
            return None
        return self._locus(tx, p)

    def _locus(self, tx: pd.Series, p: int) -> Locus:
        exons = self._transcript_exons(tx["transcript_id"])
        region, number, cds_offset = "intron", 0, None
        for exon in exons.itertuples():
            if exon.start <= p < exon.end:
                region, number = "exon", exon.exon_number
                cds_offset = _cds_offset(tx, exon, p)
                break
            upstream = exon.end <= p if tx["strand"] == "+" else exon.start > p
            if upstream:
                number = exon.exon_number  # last exon 5' of the position
        return Locus(
            gene=tx["gene"],
            transcript_id=tx["transcript_id"],
            refseq_id=tx["refseq_id"],
            strand=tx["strand"],
            region=region,
            number=int(number),
            cds_offset=cds_offset,
        )

    # -- reading frame -------------------------------------------------------------
    def junction_in_frame(self, key5: str, last5: int, key3: str, first3: int) -> bool | None:
        """Is a join in frame?  ``last5``: the 5' partner's last kept base; ``first3``: the
        3' partner's first kept base (1-based).  None when either base is outside its CDS
        (UTR, intron, non-coding transcript): the frame is then not defined."""
        five = self.locate_in(key5, last5)
        three = self.locate_in(key3, first3)
        if five is None or three is None or five.cds_offset is None or three.cds_offset is None:
            return None
        return bool((five.cds_offset + 1) % 3 == three.cds_offset % 3)

    def exon_join_in_frame(self, key5: str, exon5: int, key3: str, exon3: int) -> bool | None:
        """Frame of the join of exon ``exon5`` of the 5' gene to exon ``exon3`` of the 3' gene."""
        end_phase = int(self.exon(key5, exon5)["end_phase"])
        phase = int(self.exon(key3, exon3)["phase"])
        if end_phase < 0 or phase < 0:
            return None
        return end_phase == phase

    # -- genes and domains -------------------------------------------------------------
    def genes_at(self, chrom: str, pos: int) -> pd.DataFrame:
        """All annotated single-copy genes (any biotype) covering a 1-based position."""
        if self._gene_index is None:
            self._gene_index = {
                c: (t, t["start"].to_numpy(), t["end"].to_numpy())
                for c, t in _genes(self.directory).groupby("chrom", sort=False)
            }
        entry = self._gene_index.get(canonical_contig(chrom))
        if entry is None:
            return _genes(self.directory).iloc[0:0]
        table, starts, ends = entry
        p = pos - 1
        return table.iloc[np.flatnonzero((starts <= p) & (ends > p))]

    def kinase_domain(self, gene: str) -> KinaseDomain:
        domains = _kinase_domains(self.directory)
        row = domains[domains["gene"] == gene]
        if row.empty:
            raise KeyError(f"no kinase domain for {gene} in {self.build}")
        r = row.iloc[0]
        return KinaseDomain(
            r["gene"], r["transcript_id"], r["chrom"], int(r["start"]), int(r["end"]),
            int(r["cds_start_offset"]), int(r["cds_end_offset"]), int(r["first_exon"]), int(r["last_exon"]),
        )  # fmt: skip

    def introns(self, key: str) -> list[tuple[int, int, int]]:
        """(intron number, start, end), 0-based half-open; intron n lies between exons n and n+1."""
        exons = self._transcript_exons(self.transcript(key)["transcript_id"])
        starts, ends = exons["start"].to_numpy(), exons["end"].to_numpy()
        out = []
        for i, n in enumerate(exons["exon_number"].to_numpy()[:-1]):
            lo, hi = sorted([int(starts[i]), int(ends[i]), int(starts[i + 1]), int(ends[i + 1])])[1:3]
            out.append((int(n), lo, hi))
        return out


def _cds_offset(tx: pd.Series, exon, p: int) -> int | None:
    if pd.isna(tx["cds_start"]) or not tx["cds_start"] <= p < tx["cds_end"]:
        return None
    if tx["strand"] == "+":
        return int(exon.cds_offset + p - max(exon.start, tx["cds_start"]))
    return int(exon.cds_offset + min(exon.end, tx["cds_end"]) - 1 - p)


@lru_cache(maxsize=4)
def _genes(directory: Path) -> pd.DataFrame:
    return read_table(directory, "genes")


@lru_cache(maxsize=4)
def _kinase_domains(directory: Path) -> pd.DataFrame:
    return pd.read_csv(directory / "kinase_domains.tsv", sep="\t")


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


@lru_cache(maxsize=4)
def load_annotation(build_or_dir: str | Path) -> Annotation:
    """The bundled annotation of a build ("GRCh38"/"GRCh37") or one in a folder."""
    directory = Path(build_or_dir)
    if not (directory / "transcripts.parquet").is_file():
        directory = bundled_annotation_dir(str(build_or_dir))
    if not (directory / "transcripts.parquet").is_file():
        raise UserError(
            f"no annotation for {build_or_dir}: bundled builds are GRCh38 and GRCh37; "
            "build another with `ntrkfusion build-annotation --gtf FILE`"
        )
    return Annotation(directory)
