"""The first stage: a sheet row's alignment file checked (``bam_input``) and opened once.

The workflow checks every file while it plans (``check_samples``: nothing is read through an
index then, so a cohort plans quickly) and hands each job the ``BamInfo`` it found; the job opens
the file once (``opened``), makes sure it is still the file that was checked, and reads the first
records of each NTRK locus through the index, so that a stale index or a corrupt block there is
one line, not a traceback.  ``ntrkfusion run`` and ``call`` check and open in one process.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pysam

from .. import alignment_file as af
from ..bam_input import inspect_sample, inspect_samples, ntrk_loci, probe_open, why_unreadable
from ..config import control_genes, interpretation_texts
from ..errors import UserError
from ..records import BamInfo
from ..samplesheet import Sample


def check_sample(sample: Sample, config: dict, probe: bool = False) -> BamInfo:
    """Every check of one sample's file, with the config's reference, build and identity rule."""
    return inspect_sample(sample, reference=config.get("reference") or None, genome_build=config.get("genome_build"),
                          custom_annotation=bool(config.get("annotation_gtf")),
                          strict_identity=config.get("strict_identity", False),
                          long_reads=config.get("long_reads", "auto"), probe=probe)  # fmt: skip


def check_samples(samples: list[Sample], config: dict) -> list[BamInfo]:
    """Every sample checked (one UserError listing every problem), as the workflow plans."""
    return inspect_samples(samples, reference=config.get("reference") or None, genome_build=config["genome_build"],
                           custom_annotation=bool(config["annotation_gtf"]),
                           strict_identity=config["strict_identity"], long_reads=config["long_reads"],
                           probe=False)  # fmt: skip


def config_file_problems(config: dict) -> list[str]:
    """The files the config names, checked before any job: one line per problem."""
    from ..calling.pon import PanelOfNormals

    problems = []
    if config.get("panel_of_normals"):
        try:
            PanelOfNormals.load(config["panel_of_normals"])
        except UserError as err:
            problems += err.problems
    if config.get("housekeeping_genes"):
        try:
            control_genes(config["housekeeping_genes"])
        except UserError as err:
            problems += err.problems
    if config.get("interpretation"):
        try:
            interpretation_texts(config["interpretation"])
        except UserError as err:
            problems += err.problems
    return problems


@contextmanager
def opened(info: BamInfo, annotation: str, reference: str | None):
    """The checked file, open with its index (and the reference for a CRAM), for the whole job.
    ``annotation``: the build or annotation folder whose NTRK loci are probed."""
    bam, index = Path(info.bam), Path(info.index)
    changed = [what for what, path in (("alignments", bam), ("index", index))
               if info.fingerprint.get(what) not in (None, _fingerprint(path))]  # fmt: skip
    if changed:
        raise UserError(f"sample {info.sample}: {bam.name} ({' and '.join(changed)}) changed after the run was "
                        "planned; start the run again")  # fmt: skip
    try:
        handle = pysam.AlignmentFile(str(bam), index_filename=str(index), reference_filename=reference)
    except (OSError, ValueError) as err:
        raise UserError(f"sample {info.sample}: {bam.name} cannot be opened ({err})") from None
    try:
        probe_open(handle, ntrk_loci(annotation, tuple(handle.references)), bam, index, info.sample)
        yield handle
    except OSError as err:
        if err.errno not in (None, 0):  # the system's (a full disk, a permission): not the file's content
            raise
        raise UserError(f"sample {info.sample}: {bam.name} cannot be read: {why_unreadable(bam, index, err)}") from None
    finally:
        try:
            handle.close()
        except OSError:  # closing a file whose block failed fails too ("Closing failed: Success")
            pass


def declared_umis(bam: pysam.AlignmentFile, info: BamInfo, config: dict, annotation: str) -> tuple[dict, BamInfo]:
    """The sample's config and info once its declared UMIs are looked for in its reads: with too
    few reads carrying them (``qc.min_umi_fraction``), the UMIs are set off (duplicates by
    position, as without UMIs) and a warning says so.  ``config``: the sample's."""
    from dataclasses import replace

    from ..calling.molecules import umi_fraction, umi_reader
    from ..config import with_defaults
    from ..vocabulary import UmiSource

    reader, least = umi_reader(config), with_defaults(config)["qc"]["min_umi_fraction"]
    if reader.source == UmiSource.NONE or not least:
        return config, info
    regions = [(r.contig, r.start, r.end) for r in ntrk_loci(annotation, tuple(bam.references))]
    share = umi_fraction(bam, reader, regions)
    if share is None or share >= least:
        return config, info
    where = "the RX tag" if reader.source == UmiSource.RX else "the read names"
    warning = (f"umi {reader.source} is declared but {share:.0%} of the reads carry a UMI in {where} "
               f"(< {least:.0%}): duplicates are judged by position, as without UMIs")  # fmt: skip
    config = {**config, "umi": {**(config.get("umi") or {}), "source": str(UmiSource.NONE)}}
    return config, replace(info, warnings=(*info.warnings, warning))


def _fingerprint(path: Path) -> str | None:
    return af.fingerprint(path) if path.is_file() else None
