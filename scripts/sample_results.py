"""Snakemake entry point: every sample's qc.json -> results/samples.parquet and .tsv."""

from _setup import job

from ntrkfusion.qc.stage import samples_table

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    samples_table(smk.input.qc, smk.output.parquet, smk.output.tsv)
