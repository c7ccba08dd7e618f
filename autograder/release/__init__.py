"""Releasing assignments: nbgrader's student version, the leak check and the known bugs' fingerprints."""
