"""Snakemake entry point: exon-boundary sequences of a build, read once from the reference."""

from _setup import job

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.clips import boundary_table

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    boundary_table(load_annotation(smk.params.annotation), smk.input.reference).to_parquet(smk.output.table)
