"""Snakemake entry point: one row per sample (build, naming, NTRK reads) -> results/inputs.tsv."""

from _setup import job

from ntrkfusion.inspect import summarise

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    summarise(smk.input.infos, smk.output.tsv)
