"""Gene annotation: one transcript model per gene, exons numbered 5'->3', CDS phases.

``Annotation`` (model.py) answers look-ups; ``tables`` fixes the on-disk format
shared by the bundled builder (``bundled``) and the GTF builder (``gtf``).
"""

from .model import Annotation, Locus, load_annotation

__all__ = ["Annotation", "Locus", "load_annotation"]
