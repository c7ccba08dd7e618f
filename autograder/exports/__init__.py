"""The exports: grades.csv, canvas.csv, the feedback pages, the summary pages and the similarity
report, made from the gradebook (nbgrader's tables and ours), never from a grading run's memory.
`grade` exports at its end; `python -m autograder export` exports again (after changes in formgrader)."""
