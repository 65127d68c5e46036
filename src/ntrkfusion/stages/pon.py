"""``ntrkfusion build-pon``: a panel of normals from a laboratory's known-negative samples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..annotation import load_annotation
from ..calling import pon
from ..calling.engine import call_sample, settings_from_config
from ..config import for_sample
from ..io import atomic_write
from ..records import BamInfo
from ..samplesheet import Sample
from .inspect import opened


def build_panel_of_normals(normals: list[tuple[Sample, BamInfo]], config: dict, out: str | Path,
                           min_samples: int) -> pd.DataFrame:  # fmt: skip
    """One table with the rows of each assay and genome build of the normals' evidence."""
    reference = config.get("reference") or None
    groups: dict[tuple[str, str], list[pd.DataFrame]] = {}
    for sample, info in normals:
        settings = settings_from_config(for_sample(config, sample))
        ann = load_annotation(info.build)
        with opened(info, info.build, reference) as bam:
            result = call_sample(bam, sample.sample, sample.assay, ann, reference=reference, settings=settings)
        groups.setdefault((sample.assay, ann.build), []).append(pon.sites(result.evidence, settings.mate_window))
    tables = [pon.build(sites, build, assay, min_samples) for (assay, build), sites in sorted(groups.items())]
    table = pd.concat(tables, ignore_index=True) if tables else pon.build([], "", "", min_samples)
    atomic_write(out, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    return table
