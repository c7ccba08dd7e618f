"""Judging recorded outputs in the grader's own process: verdicts, comparison, diagnosis, reference numbers."""
