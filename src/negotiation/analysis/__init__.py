"""Analysis of a sweep folder: P(truce holds) with intervals, maps, survival curves,
scenario discovery and sensitivity indices, written as a Markdown report."""

from negotiation.analysis.report import Report, write_report

__all__ = ["Report", "write_report"]
