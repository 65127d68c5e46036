"""A laboratory's panel of normals: junctions and partner loci its known-negative samples carry.

Every assay has artefacts of its own: a primer that misprimes onto one locus, a repeat whose
reads land in an NTRK intron, a polymorphic insertion.  They recur in sample after sample,
which is how Arriba's blacklist and STAR-Fusion's normal-fusion lists were made.  Here a lab
makes its own from BAMs it knows to be NTRK-negative (``ntrkfusion build-pon``), and a
candidate that matches it is filtered ``in_panel_of_normals`` (an artefact): shown, never hidden.

The table holds two kinds of rows:

* ``junction``: an NTRK breakpoint joined to a partner position (split, gapped or clipped reads),
  matched within the clustering window;
* ``partner_locus``: where the partner sides of NTRK evidence lie (mate_window bins), for
  discordant-only candidates.

Only what was seen in at least ``min_samples`` of the normals is kept (default 2: recurrent).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..vocabulary import EvidenceKind
from ..errors import UserError
from ..genome import canonical_contig
from .cluster import Candidate
from .evidence import SetAside

COLUMNS = ["build", "assay", "kind", "ntrk_gene", "ntrk_chrom", "ntrk_pos", "partner_chrom", "partner_start",
           "partner_end", "samples", "fragments"]  # fmt: skip
JUNCTION, PARTNER_LOCUS = "junction", "partner_locus"
JUNCTION_BIN = 10  # junction positions are stored to 10 bases and matched within a bin and the window
# the gene's own splicing, intragenic junctions and partners made of poly(A), repeats or adapter
# are never candidates: nothing to learn
NOT_LEARNED = (SetAside.NORMAL_SPLICING, SetAside.INTRAGENIC, SetAside.POLY_A, SetAside.LOW_COMPLEXITY,
               SetAside.ADAPTER)  # fmt: skip


def sites(evidence: pd.DataFrame, bin_size: int) -> pd.DataFrame:
    """The junction and partner-locus (``bin_size`` bins) keys of one sample's evidence, with
    fragment counts."""
    ev = evidence[~evidence["set_aside"].isin([str(x) for x in NOT_LEARNED]) & evidence["chrom_b"].notna()]
    ev = ev.assign(ntrk_chrom=ev["chrom_a"].map(canonical_contig), partner_chrom=ev["chrom_b"].map(canonical_contig))
    precise = ev[ev["kind"] != EvidenceKind.DISCORDANT]
    junctions = precise.assign(
        kind=JUNCTION, ntrk_pos=precise["pos_a"] // JUNCTION_BIN * JUNCTION_BIN,
        partner_start=precise["pos_b"] // JUNCTION_BIN * JUNCTION_BIN,
    )  # fmt: skip
    junctions = junctions.assign(partner_end=junctions["partner_start"] + JUNCTION_BIN - 1)
    loci = ev.assign(kind=PARTNER_LOCUS, ntrk_pos=0, partner_start=ev["pos_b"] // bin_size * bin_size)
    loci = loci.assign(partner_end=loci["partner_start"] + bin_size - 1)
    both = pd.concat([junctions, loci], ignore_index=True).rename(columns={"region": "ntrk_gene"})
    keys = ["kind", "ntrk_gene", "ntrk_chrom", "ntrk_pos", "partner_chrom", "partner_start", "partner_end"]
    return both.groupby(keys, as_index=False)["read_name"].nunique().rename(columns={"read_name": "fragments"})


def build(per_sample: list[pd.DataFrame], build_name: str, assay: str, min_samples: int) -> pd.DataFrame:
    """Merge the sites of several normals; keep those seen in >= ``min_samples`` of them."""
    keys = ["kind", "ntrk_gene", "ntrk_chrom", "ntrk_pos", "partner_chrom", "partner_start", "partner_end"]
    if not per_sample:
        return pd.DataFrame(columns=COLUMNS)
    merged = pd.concat(per_sample, ignore_index=True).groupby(keys, as_index=False).agg(
        samples=("fragments", "size"), fragments=("fragments", "sum")
    )  # fmt: skip
    kept = merged[merged["samples"] >= min_samples].assign(build=build_name, assay=assay)
    return kept[COLUMNS].sort_values(keys, ignore_index=True)


@dataclass
class PanelOfNormals:
    table: pd.DataFrame
    path: str

    @classmethod
    def load(cls, path: str | Path) -> "PanelOfNormals":
        try:
            table = pd.read_csv(path, sep="\t", dtype={"ntrk_pos": "int64", "partner_start": "int64"})
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
            raise UserError(f"panel_of_normals {path}: not a panel of normals made by build-pon ({err})") from None
        missing = [c for c in COLUMNS if c not in table.columns]
        if missing:
            raise UserError(f"panel_of_normals {path}: columns {', '.join(missing)} are missing (make it with "
                            "`ntrkfusion build-pon`)")  # fmt: skip
        return cls(table, str(path))

    def builds(self) -> set[str]:
        return set(self.table["build"])

    def restricted(self, assay: str, build: str) -> "PanelOfNormals":
        """The rows made from normals of one assay on one genome build."""
        rows = self.table[(self.table["assay"] == assay) & (self.table["build"] == build)]
        return PanelOfNormals(rows.reset_index(drop=True), self.path)

    def matches(self, cand: Candidate, window: int) -> bool:
        """Is the candidate's junction (or, without one, its partner locus) in the panel?"""
        _, chrom, pos = cand.partner()
        ntrk_bp = cand.ntrk_bp()
        rows = self.table[self.table["ntrk_gene"] == cand.ntrk_gene]
        if ntrk_bp is not None and pos is not None:
            junctions = rows[rows["kind"] == JUNCTION]
            hit = (
                (junctions["partner_chrom"] == chrom)
                & (junctions["ntrk_pos"] - window <= ntrk_bp) & (ntrk_bp <= junctions["ntrk_pos"] + JUNCTION_BIN + window)
                & (junctions["partner_start"] - window <= pos) & (pos <= junctions["partner_end"] + window)
            )  # fmt: skip
            return bool(hit.any())
        loci = rows[rows["kind"] == PARTNER_LOCUS]
        mates = [(canonical_contig(ev.side_b.chrom), ev.side_b.pos) for ev in cand.evidence if ev.side_b is not None]
        if not mates or loci.empty:
            return False
        hits = sum(
            bool(((loci["partner_chrom"] == c) & (loci["partner_start"] <= p) & (p <= loci["partner_end"])).any())
            for c, p in mates
        )
        return hits * 2 > len(mates)  # most of its mates lie where the normals' do
