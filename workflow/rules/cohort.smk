rule summarise_inputs:
    """One row per sample: build, contig naming, aligner and reads in NTRK1/2/3."""
    input:
        infos=per_sample("bam_info"),
    output:
        tsv="results/inputs.tsv",
    log:
        "logs/summarise_inputs.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/cohort.py"


rule run_info:
    """What this run was: the pipeline and its commit, the date, every setting in effect, each
    build's annotation and each sample's inputs (results/run_info.json, beside the tables).
    """
    input:
        infos=per_sample("bam_info"),
        annotations=[
            f"{annotation_dir(build)}/transcripts.parquet" for build in sorted(BUILDS)
        ],
    output:
        json="results/run_info.json",
    log:
        "logs/run_info.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        config_digest=config_digest(config),
        annotations={build: annotation_dir(build) for build in sorted(BUILDS)},
    script:
        "../../scripts/cohort.py"


rule cohort_fusions:
    """Every sample's candidate fusions in one table."""
    input:
        parquets=per_sample("fusions"),
    output:
        parquet="results/fusions.parquet",
        tsv=report(
            "results/fusions.tsv", caption="../report/tables.rst", category="Tables"
        ),
    log:
        "logs/cohort_fusions.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/cohort.py"


rule cohort_vcf:
    """Every sample's breakends of one genome build in one VCF."""
    input:
        parquets=lambda wildcards: per_sample(
            "fusions", samples_of_build(wildcards.build)
        ),
    output:
        vcf="results/fusions.{build}.vcf.gz",
        tbi="results/fusions.{build}.vcf.gz.tbi",
    log:
        "logs/cohort_vcf/{build}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        samples=lambda wildcards: samples_of_build(wildcards.build),
    script:
        "../../scripts/cohort.py"


rule sample_results:
    """One row per sample: result, reasons, QC flags, metrics and the best fusion."""
    input:
        qc=per_sample("qc"),
    output:
        parquet="results/samples.parquet",
        tsv=report(
            "results/samples.tsv", caption="../report/tables.rst", category="Tables"
        ),
    log:
        "logs/sample_results.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/cohort.py"
