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
        mem_mb=2000,
        runtime=30,
    params:
        annotation=lambda wildcards: annotation_dir(wildcards.build),
    script:
        "../../scripts/exon_boundaries.py"


rule call_fusions:
    """Check one sample's BAM, then find the reads that tell of an NTRK fusion, cluster them
    and annotate each candidate (each NTRK locus read once, its reads counted too)."""
    input:
        unpack(calling_inputs),
    output:
        info="results/{sample}/bam_info.json",
        evidence="results/{sample}/evidence.parquet",
        parquet="results/{sample}/fusions.parquet",
        tsv="results/{sample}/fusions.tsv",
        vcf="results/{sample}/fusions.vcf.gz",
        tbi="results/{sample}/fusions.vcf.gz.tbi",
    log:
        "logs/call_fusions/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    params:
        settings=SETTINGS["calling"],
        sample=sample_params,
        annotation=CUSTOM_ANNOTATION_DIR,
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


rule cohort_vcf:
    """Every sample's breakends of one genome build in one VCF."""
    input:
        parquets=lambda wildcards: [
            f"results/{s}/fusions.parquet" for s in samples_of_build(wildcards.build)
        ],
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
        "../../scripts/cohort_vcf.py"
