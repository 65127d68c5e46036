"""Snakemake entry point of the cohort rules: each rule's table from the samples' records
(stages.cohort), one function per rule."""

from _setup import job

from ntrkfusion.stages import cohort

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    i, o = smk.input, smk.output
    {
        "summarise_inputs": lambda: cohort.inputs(i.infos, o.tsv),
        "run_info": lambda: cohort.run(smk.config, i.infos, dict(smk.params.annotations), o.json),
        "cohort_fusions": lambda: cohort.fusions(i.parquets, o.parquet, o.tsv),
        "cohort_vcf": lambda: cohort.vcf(smk.params.samples, i.parquets, smk.wildcards.build, o.vcf,
                                         smk.input.get("reference") or None),
        "sample_results": lambda: cohort.samples(i.qc, o.parquet, o.tsv),
        "cohort_report": lambda: cohort.report(i.samples, i.run_info, o.html),
        "multiqc_content": lambda: cohort.multiqc(i.samples, i.run_info, o.tsv),
    }[smk.rule]()
