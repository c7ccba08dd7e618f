"""Grading a batch: intake, one submission through nbgrader and the sandbox, the gradebook, resume, workers and the cluster."""
