"""Reports for people: a fusion diagram drawn to scale (SVG) and self-contained HTML pages."""
