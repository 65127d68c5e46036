rule exon_boundaries:
    """Read the spliced sequence at every exon boundary from the reference, once per build."""
    input:
        reference=config["reference"] or [],
        annotation=lambda wildcards: f"{annotation_dir(wildcards.build)}/transcripts.parquet",
    output:
        table="results/reference/{build}/exon_boundaries.parquet",
    log:
        "logs/exon_boundaries/{build}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: 30 * attempt,
    params:
        annotation=lambda wildcards: annotation_dir(wildcards.build),
    script:
        "../../scripts/exon_boundaries.py"


rule call_fusions:
    """Find the reads that tell of an NTRK fusion, cluster them and annotate each candidate."""
    input:
        bam=get_bam,
        index=get_bam_index,
        annotation=get_annotation_tables,
        boundaries=get_exon_boundaries,
        panel_of_normals=config["panel_of_normals"] or [],
    output:
        evidence="results/{sample}/evidence.parquet",
        parquet="results/{sample}/fusions.parquet",
        tsv="results/{sample}/fusions.tsv",
    log:
        "logs/call_fusions/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1500 * attempt,
        runtime=lambda wildcards, attempt: 20 * attempt,
    params:
        settings=SETTINGS["calling"],
        inputs=input_fingerprint,
        assay=lambda wildcards: SAMPLES[wildcards.sample].assay,
        annotation=get_annotation,
        reference=config["reference"],
    script:
        "../../scripts/call_fusions.py"


rule cohort_fusions:
    """Every sample's candidate fusions in one table."""
    input:
        parquets=expand("results/{sample}/fusions.parquet", sample=sorted(SAMPLES)),
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
        "../../scripts/cohort_fusions.py"
