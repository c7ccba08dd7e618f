"""The progress bar of a grading run."""
from tqdm import tqdm


def progress(items, quiet, total=None):
    """A progress bar with the time left (on stderr), unless quiet."""
    return items if quiet else tqdm(items, total=total, desc="grading", unit="submission")
