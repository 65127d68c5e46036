"""Snakemake entry point: exon-boundary sequences of a build, read once from the reference."""

from _setup import job

from ntrkfusion.stages import prepare

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    prepare.exon_boundaries(smk.params.annotation, smk.input.reference, smk.wildcards.build, smk.output.table)
