"""The rendering stage: the reads behind the candidates that bear on the result
(supporting_reads.bam) and the sample's sign-out report (report.html), from the stages' records
in memory."""

from __future__ import annotations

import pysam

from ..annotation import Annotation
from ..records import SampleResult
from ..report.html import sample_report
from ..report.reads import write_supporting_reads
from .assess import qc_settings
from .call import Called
from .layout import SampleFiles


def render(result: SampleResult, called: Called, bam: pysam.AlignmentFile, ann: Annotation, config: dict,
           files: SampleFiles) -> None:  # fmt: skip
    write_supporting_reads(bam, called.evidence, called.fusions, files.reads)
    sample_report(result, called.fusions, ann, files.report, qc_settings(config), reads=files.reads,
                  reference=config.get("reference") or None)  # fmt: skip
