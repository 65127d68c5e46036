"""The curated table of known NTRK fusion partners (resources/curated/ntrk_known_partners.tsv)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .paths import RESOURCES


@lru_cache(maxsize=1)
def known_partners() -> pd.DataFrame:
    """partner, ntrk_gene, exon5, exon3 (MANE numbering, may be empty), reference."""
    table = pd.read_csv(RESOURCES / "curated/ntrk_known_partners.tsv", sep="\t", comment="#")
    return table.astype({"exon5": "Int64", "exon3": "Int64"})


def is_known_partner(partner: str, ntrk_gene: str) -> bool:
    table = known_partners()
    return bool(((table["partner"] == partner) & (table["ntrk_gene"] == ntrk_gene)).any())
