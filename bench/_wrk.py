"""``wrk`` as the load generator of the server benchmarks: a C program in its own process, so
the figures measure the server, not a Python client sharing its interpreter or its GIL.

``wrk_find()`` answers the path of ``wrk``, installing Debian's package when it is missing and
the benchmark runs as root with ``apt-get``; otherwise ``WrkMissing`` carries the instruction.
``wrk_run()`` drives one URL for a number of seconds and reads the summary that a small Lua
``done()`` hook prints (requests, duration, latency percentiles, errors).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

INSTALL_HINT = "install wrk (Debian/Ubuntu: `sudo apt-get install -y wrk`) and run the bench again"

_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "CHORUS-WRK requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d "
    .. "status_errors=%d socket_errors=%d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


class WrkMissing(RuntimeError):
    pass


def wrk_find(*, install: bool = True) -> str:
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if install and apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        done = subprocess.run(
            [apt, "install", "-y", "-q", "wrk"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            check=False,
        )
        found = shutil.which("wrk")
        if found:
            return found
        raise WrkMissing(
            f"apt-get install wrk failed ({done.stderr.strip()[-200:]}); {INSTALL_HINT}"
        )
    raise WrkMissing(f"wrk is not installed; {INSTALL_HINT}")


@dataclass
class WrkResult:
    requests: int  # answered within the run (wrk does not count the ones in flight at the end)
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    status_errors: int  # answers with a status >= 400
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_parse(output: str) -> WrkResult:
    line = next((x for x in output.splitlines() if x.startswith("CHORUS-WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {output[-500:]!r}")
    values = dict(part.split("=", 1) for part in line.split()[1:])
    return WrkResult(
        requests=int(values["requests"]),
        seconds=int(values["duration_us"]) / 1e6,
        p50_ms=int(values["p50_us"]) / 1000,
        p95_ms=int(values["p95_us"]) / 1000,
        p99_ms=int(values["p99_us"]) / 1000,
        status_errors=int(values["status_errors"]),
        socket_errors=int(values["socket_errors"]),
    )


def wrk_run(
    wrk: str,
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """``connections`` keep-alive connections on ``threads`` wrk threads GET ``url`` for
    ``seconds``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="chorus-wrk-") as script:
        script.write(_SCRIPT)
        script.flush()
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run(
            [*command, url],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return wrk_parse(done.stdout)
