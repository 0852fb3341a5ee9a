"""`hotwash init` on a real pseudo-terminal: it notices the terminal and asks."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import hotwash

TIMEOUT = 30.0


class Terminal:
    """A child process on a pseudo-terminal, driven like a person typing."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200"}
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {text!r}; screen so far:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.seen += self._read()

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def _read(self) -> str:
        try:
            return os.read(self.master, 4096).decode(errors="replace")
        except OSError:  # the child closed the terminal
            return ""

    def close(self) -> int:
        """Wait for the child to exit (killing it if it hangs); its exit code."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        os.close(self.master)
        return code


def test_init_asks_on_a_terminal(tmp_path: Path) -> None:
    term = Terminal([sys.executable, "-m", "hotwash", "init", "inc"], tmp_path)
    try:
        for prompt, answer in [
            ("Title", "Queue consumers stalled"),
            ("Severity", "SEV2"),
            ("owner", "@priya"),
            ("Authors", ""),
            ("impact start", "2024-05-14T09:13:00Z"),
            ("summary", "@priya forgot to restart the consumers"),
        ]:
            term.expect(prompt)
            term.type(answer)
        term.expect("Rephrase it?")
        term.type("y")
        term.expect("summary")
        term.type("Consumers stayed subscribed with no prefetch after a failover")
        term.expect("What was the problem?")
        term.type("Webhooks were delayed by 40 minutes")
        term.expect("Why? (1/5")
        term.type("The client library does not restore prefetch on reconnect")
        term.expect("condition of the system")
        term.type("y")
        term.expect("created")
    finally:
        code = term.close()
    assert code == 0, term.seen
    assert "B001" in term.seen
    incident = hotwash.load(tmp_path / "inc").incident
    assert incident.authors == ["@priya"]
    assert incident.summary.startswith("Consumers stayed subscribed")
    assert incident.whys[0].whys == ["The client library does not restore prefetch on reconnect"]
