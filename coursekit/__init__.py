"""Student-side helpers every notebook imports: data loading, plots and the
checks behind the visible tests.

Nothing in this package is graded, and it must never contain the answer to a
graded part of an assignment that has not been released yet.
"""
