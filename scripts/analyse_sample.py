"""Snakemake entry point: one sample from its checked BAM to its report (stages.sample.analyse)."""

from _setup import job

from ntrkfusion.records import BamInfo, read_exon_boundaries
from ntrkfusion.samplesheet import Sample
from ntrkfusion.stages.layout import SampleFiles
from ntrkfusion.stages.sample import analyse

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    boundaries = smk.input.get("boundaries")
    analyse(Sample.from_dict(smk.params.sample), smk.config, SampleFiles.of(smk.wildcards.sample),
            info=BamInfo.from_dict(smk.params.checked), annotation=smk.params.annotation,
            boundaries=read_exon_boundaries(boundaries) if boundaries else None)  # fmt: skip
