"""Full or reduced data size for a notebook run.

Students run on full CIFAR-10 by default. Tests, the demo and quick grading runs
set ``COURSE_DATA_SIZE=small`` so that a whole notebook executes in seconds;
each notebook prints a banner saying which size it runs on.
"""
import os

ENV_VAR = "COURSE_DATA_SIZE"

SPLIT_SIZES = {
    "full": {"num_training": 49000, "num_validation": 1000, "num_test": 1000, "num_dev": 500},
    "small": {"num_training": 5000, "num_validation": 1000, "num_test": 1000, "num_dev": 100},
}


def data_size():
    """Return ``"full"`` or ``"small"``, read from the ``COURSE_DATA_SIZE`` variable.

    Raises ValueError for any other value, so a typo never silently changes the run.
    """
    value = os.environ.get(ENV_VAR, "full").strip().lower() or "full"
    if value not in SPLIT_SIZES:
        raise ValueError(
            f"{ENV_VAR}={value!r} is not a known data size; use one of {sorted(SPLIT_SIZES)}."
        )
    return value


def split_sizes():
    """Return the train/validation/test/dev sizes (a dict of ints) for the current data size."""
    return dict(SPLIT_SIZES[data_size()])


def is_small():
    """True when the notebook runs on the reduced data size."""
    return data_size() == "small"


def announce():
    """Print which data size this run uses; notebooks call it once, near the top."""
    sizes = split_sizes()
    if is_small():
        print(
            f"REDUCED DATA SIZE ({ENV_VAR}=small): {sizes['num_training']} training images and "
            "shorter training runs. Accuracies are lower than on full CIFAR-10. "
            f"Unset {ENV_VAR} to run on the full data set."
        )
    else:
        print(f"Full CIFAR-10: {sizes['num_training']} training, {sizes['num_validation']} validation, "
              f"{sizes['num_test']} test and {sizes['num_dev']} dev images.")
    return sizes
