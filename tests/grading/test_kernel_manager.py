"""The sandboxed kernel manager (autograder/kernel/sandbox.py) as nbclient drives it: however a
kernel ends, its sandbox is closed (socket folder removed, user and cgroup given back)."""
import asyncio

from autograder.kernel.limits import Limits
from autograder.kernel.sandbox import sandboxed_manager
from tests.support.attacks import require_sandbox


async def start(tmp_path):
    km = sandboxed_manager(Limits())(kernel_name="python3")
    await km.start_kernel(cwd=str(tmp_path))
    return km


def test_a_kernel_that_died_leaves_no_sandbox_behind(tmp_path):
    # nbclient cleans up a dead kernel with km.cleanup_resources() alone (no shutdown_kernel).
    require_sandbox()

    async def died_then_cleaned():
        km = await start(tmp_path)
        sockets = km.sandbox.socket_dir
        km.sandbox.kill()
        while await km.is_alive():
            await asyncio.sleep(0.05)
        await km.cleanup_resources()
        return km, sockets

    km, sockets = asyncio.run(died_then_cleaned())
    assert km.sandbox is None and not sockets.exists()


def test_a_kernel_shut_down_leaves_no_sandbox_behind(tmp_path):
    require_sandbox()

    async def shut_down():
        km = await start(tmp_path)
        sockets = km.sandbox.socket_dir
        await km.shutdown_kernel(now=True)
        return km, sockets

    km, sockets = asyncio.run(shut_down())
    assert km.sandbox is None and not sockets.exists()
