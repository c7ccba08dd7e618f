"""Where student code runs: the sandbox (bubblewrap), its limits, the output cap and the kernels' environment."""
