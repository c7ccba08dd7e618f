"""The environment of the kernels the grader starts: the settings below, and of the grader's own
environment only the names on an allowlist (sandbox.py passes nothing else)."""
import os
from contextlib import contextmanager

DATA_SIZE_VAR = "COURSE_DATA_SIZE"
# The only variables of the grader's environment a kernel gets (besides what the sandbox sets
# itself: HOME, PATH, the record folder, ...). Nothing else passes: no PG*, *_URL, *SECRET*,
# *TOKEN*, AWS_*, TEST_POSTGRES_URL, nor anything a future tool adds.
KERNEL_ENV_ALLOWLIST = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "MPLBACKEND", DATA_SIZE_VAR, "CIFAR10_DIR")

# Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers (distributed.nanny.pre-spawn-environ),
# and in the process that starts a LocalCluster too. A kernel that inherits it gives memory back after
# every large free: Assignment 1 ran 1.7x slower (13 s vs 7.7 s), and a Dask worker graded at half speed.
NOT_FOR_KERNELS = ("MALLOC_TRIM_THRESHOLD_",)


def kernel_settings(data_size):
    """Environment for the kernels nbgrader starts (they inherit ours): the data
    size, and one BLAS thread per kernel, since a batch keeps every core busy
    with submissions and oversubscribed BLAS threads run many times slower."""
    settings = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if data_size:
        settings[DATA_SIZE_VAR] = data_size
    return settings


def set_kernel_environment(data_size):
    """Apply kernel_settings(data_size) to this process for good, without the NOT_FOR_KERNELS
    variables (a worker process, which grades nothing else)."""
    os.environ.update(kernel_settings(data_size))
    for name in NOT_FOR_KERNELS:
        os.environ.pop(name, None)


@contextmanager
def kernel_environment(data_size):
    """Apply kernel_settings(data_size), without the NOT_FOR_KERNELS variables, for the duration of the block."""
    settings = kernel_settings(data_size)
    saved = {name: os.environ.get(name) for name in (*settings, *NOT_FOR_KERNELS)}
    set_kernel_environment(data_size)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def allowlisted(env, also=()):
    """The entries of `env` whose names are on KERNEL_ENV_ALLOWLIST or in `also`."""
    names = set(KERNEL_ENV_ALLOWLIST) | set(also)
    return {name: value for name, value in env.items() if name in names}
