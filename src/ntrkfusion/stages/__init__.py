"""One sample's path, stage by stage, each handing the next a typed object in memory:

    inspect  sheet row -> BamInfo (checks), and the alignment file opened once
    call     -> Called (evidence, candidate fusions, the NTRK loci read)
    assess   -> SampleResult (metrics, checks, flags, POSITIVE / NEGATIVE / INDETERMINATE)
    render   -> supporting_reads.bam and report.html
    sample   the four in order for one sample (the workflow's per-sample job, ``ntrkfusion run``)
    cohort   the run's tables, VCFs, inputs, run_info and the end-of-run summary

``layout`` says where each file goes; ``records`` how each is written and read.  The domain
packages below (calling, qc, report, vcf) know nothing of files, jobs or this layer.
"""
