"""Snakemake entry point: check one sample's BAM and call it -> bam_info.json, evidence.parquet,
fusions.parquet, fusions.tsv."""

from _setup import job

from ntrkfusion.calling.stage import inspect_and_call
from ntrkfusion.samplesheet import Sample

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    files = dict(info=smk.output.info, evidence=smk.output.evidence, parquet=smk.output.parquet, tsv=smk.output.tsv,
                 vcf=smk.output.vcf)  # fmt: skip
    inspect_and_call(Sample.from_dict(smk.params.sample), smk.params.annotation, smk.config, files,
                     boundaries=smk.input.get("boundaries") or None)  # fmt: skip
