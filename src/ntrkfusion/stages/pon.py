"""``ntrkfusion build-pon``: a panel of normals from a laboratory's known-negative samples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..annotation import load_annotation
from ..calling import pon
from ..calling.engine import call_sample, settings_from_config
from ..config import for_sample
from ..errors import UserError
from ..io import atomic_write
from ..records import BamInfo
from ..samplesheet import Sample
from ..vocabulary import CandidateClass
from .inspect import declared_umis, opened


def build_panel_of_normals(normals: list[tuple[Sample, BamInfo]], config: dict, out: str | Path,
                           min_samples: int, force: bool = False, warn=print) -> pd.DataFrame:  # fmt: skip
    """One table with the rows of each assay and genome build of the normals' evidence.

    A "normal" that carries a qualifying fusion is refused, naming it (a panel made from it would
    hide that fusion in every later sample); ``force`` keeps it, with a ``warn``ing."""
    reference = config.get("reference") or None
    groups: dict[tuple[str, str], list[pd.DataFrame]] = {}
    carriers: list[str] = []
    for sample, info in normals:
        ann = load_annotation(info.build)
        with opened(info, info.build, reference) as bam:
            settings = settings_from_config(declared_umis(bam, info, for_sample(config, sample), info.build)[0])
            result = call_sample(bam, sample.sample, sample.assay, ann, reference=reference, settings=settings)
        carriers += [f"normal {sample.sample} carries the qualifying fusion {row.fusion} ({row.supporting_fragments} "
                     "fragments)" + (", a known NTRK fusion" if row.known_partner else "")
                     for row in qualifying(result.fusions).itertuples()]  # fmt: skip
        groups.setdefault((sample.assay, ann.build), []).append(pon.sites(result.evidence, settings.mate_window))
    if carriers and not force:
        raise UserError([f"build-pon: {c}: a panel made from it would hide it in every later sample; remove it from "
                         "the normals, or give --force if you know it is an artefact of your assay" for c in carriers])
    for c in carriers:
        warn(f"ntrkfusion: warning: build-pon: {c}; kept (--force): samples matching it are INDETERMINATE "
             "(known_fusion_in_panel) when the partner is known")
    tables = [pon.build(sites, build, assay, min_samples) for (assay, build), sites in sorted(groups.items())]
    table = pd.concat(tables, ignore_index=True) if tables else pon.build([], "", "", min_samples)
    atomic_write(out, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    return table


def qualifying(fusions: pd.DataFrame) -> pd.DataFrame:
    """The candidates of a normal that pass every filter."""
    if fusions.empty:
        return fusions
    return fusions[fusions["classification"] == CandidateClass.QUALIFYING]
