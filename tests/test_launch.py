"""The console script's entry point: a Ctrl-C is never lost, however early it comes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# cli.main stands in for a run in which the Ctrl-C lands inside a weakref callback, as it does
# when it hits the import system's module locks early in the start: CPython reports such an
# exception as "Exception ignored" and goes on, so the run would end 0 with its full output.
SWALLOWED = textwrap.dedent(
    """
    import os, signal, sys, weakref
    import clientcheck.cli
    from clientcheck import launch

    class Thing:
        pass

    def run(argv):
        def callback(ref):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs between these bytecodes, inside the callback
                pass

        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        print("the whole output")
        return 0

    clientcheck.cli.main = run
    sys.exit(launch.main([]))
    """
)


@pytest.mark.slow
def test_a_ctrl_c_swallowed_by_the_interpreter_still_ends_the_run_as_interrupted() -> None:
    ran = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60)
    assert (ran.returncode, ran.stdout, ran.stderr) == (130, "the whole output\n", "clientcheck: interrupted\n")


@pytest.mark.slow
def test_without_a_ctrl_c_the_run_keeps_its_own_exit_code() -> None:
    script = SWALLOWED.replace("os.kill(os.getpid(), signal.SIGINT)", "pass")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "the whole output\n", "")


@pytest.mark.slow
def test_a_ctrl_c_of_an_earlier_run_in_the_same_process_does_not_end_the_next_one() -> None:
    script = SWALLOWED.replace("sys.exit(launch.main([]))", "launch.main([])\nsys.exit(launch.main([]))")
    script = script.replace(
        "        os.kill(os.getpid(), signal.SIGINT)\n",
        "        if not run.done: os.kill(os.getpid(), signal.SIGINT)\n",
    )
    script = script.replace('    print("the whole output")\n', '    print("the whole output")\n    run.done = True\n')
    script = script.replace("clientcheck.cli.main = run\n", "run.done = False\nclientcheck.cli.main = run\n")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    # the first run was interrupted; the second, without a Ctrl-C, ends with its own code
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "the whole output\n" * 2, "clientcheck: interrupted\n")


WRAPPED = textwrap.dedent(
    """
    import sys
    import clientcheck.cli
    from clientcheck import launch

    def run(argv):
        print("the output so far")
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:  # as class creation wraps one raised in __set_name__
            raise RuntimeError("Error calling __set_name__ on 'Thing' instance 'x'") from exc

    clientcheck.cli.main = run
    sys.exit(launch.main([]))
    """
)


@pytest.mark.slow
def test_a_ctrl_c_that_python_wraps_in_another_error_still_ends_the_run_as_interrupted() -> None:
    ran = subprocess.run([sys.executable, "-c", WRAPPED], capture_output=True, text=True, timeout=60)
    assert (ran.returncode, ran.stdout, ran.stderr) == (130, "the output so far\n", "clientcheck: interrupted\n")


@pytest.mark.slow
def test_the_ctrl_c_handler_is_in_as_the_console_script_imports_launch_before_typing() -> None:
    script = (
        "import signal, sys\nimport clientcheck.launch\n"
        "print(signal.getsignal(signal.SIGINT).__name__, 'typing' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "_on_ctrl_c False\n", "")


def test_a_ctrl_c_is_found_under_what_wrapped_it_and_nothing_else_counts() -> None:
    from clientcheck.errors import ctrl_c_in

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("while handling it") from None
    except RuntimeError as wrapped:
        assert ctrl_c_in(wrapped)  # the context holds it, though the cause was cleared
    looped = ValueError("a")
    looped.__context__ = ValueError("b")
    looped.__context__.__context__ = looped
    assert not ctrl_c_in(looped) and not ctrl_c_in(RuntimeError("x")) and not ctrl_c_in(None)
