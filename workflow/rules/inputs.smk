rule summarise_inputs:
    """One row per sample: build, contig naming, aligner and reads in NTRK1/2/3 (from the
    bam_info.json each sample's first stage, call_fusions, writes)."""
    input:
        infos=expand("results/{sample}/bam_info.json", sample=sorted(SAMPLES)),
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
        "../../scripts/summarise_inputs.py"


rule run_info:
    """What this run was: the pipeline and its commit, the date, every setting in effect, each
    build's annotation and each sample's inputs (results/run_info.json, beside the tables).
    """
    input:
        infos=expand("results/{sample}/bam_info.json", sample=sorted(SAMPLES)),
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
        "../../scripts/run_info.py"
