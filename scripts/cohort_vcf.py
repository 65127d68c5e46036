"""Snakemake entry point: the breakends of every sample of one build -> results/fusions.{build}.vcf.gz."""

from _setup import job

from ntrkfusion.calling.stage import cohort_vcf

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    cohort_vcf(smk.params.samples, smk.input.parquets, smk.wildcards.build, smk.output.vcf)
