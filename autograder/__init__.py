"""The instructor-side autograder behind `python -m autograder`.

Instructor-only: it holds hidden-test cases, reference numbers and the catalog
of buggy variants. Never ship this package to students.
"""
