"""`python -m autograder gradescope ASSIGNMENT`: the course's grader as a Gradescope autograder.

build.py writes the autograder zip (setup.sh, run_autograder and the grading material of one
assignment); run.py is what run_autograder runs for each submission: the same `grade()` as
`python -m autograder grade`, into a temporary folder; results.py turns its report into
Gradescope's results.json.
"""
