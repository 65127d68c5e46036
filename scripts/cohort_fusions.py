"""Snakemake entry point: every sample's fusions -> results/fusions.parquet and .tsv."""

from _setup import job

from ntrkfusion.calling.stage import cohort

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    cohort(smk.input.parquets, smk.output.parquet, smk.output.tsv)
