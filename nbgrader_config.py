"""nbgrader settings for students who run a plain `jupyter lab` (or `nbgrader validate`) in this folder.

`bash course.sh lab` is the better way: its Validate button runs the course check
(coursekit/validate.py). nbgrader's own Validate, which a plain `jupyter lab` has, reads this
file from the folder JupyterLab was started in; without it every cell may run 30 seconds only,
and on full CIFAR-10 the searches need minutes. The instructor's grading never reads it (the
autograder passes nbgrader its configuration itself).
"""
c = get_config()  # noqa: F821 (nbgrader's config loader provides it)
c.Execute.timeout = 600  # seconds per cell, as `check` allows (coursekit/check.py DEFAULT_TIMEOUT)
