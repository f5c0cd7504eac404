"""Rank 0's progress report: a line per finished case, and one every minute otherwise."""
from __future__ import annotations

import time

from .engine import FINAL_OK


class Progress:
    """Rank 0's account of the sweep: a line per finished case, and one every minute otherwise."""

    def __init__(self, total: int, todo: int, slots: int, quiet: bool) -> None:
        self.total, self.todo, self.slots, self.quiet = total, todo, slots, quiet
        self.t0 = time.monotonic()
        self.last = self.t0
        self.done = self.failed = self.running = 0
        self.durations: list[float] = []

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)
            self.last = time.monotonic()

    def status(self) -> str:
        elapsed = time.monotonic() - self.t0
        left = self.todo - self.done - self.failed
        eta = ""
        if self.durations and left > 0:
            mean = sum(self.durations) / len(self.durations)
            eta = f", about {_hms(mean * (left - self.running / 2) / self.slots)} left"
        return (f"{self.done + self.failed}/{self.todo} done ({self.failed} failed), {self.running} running, "
                f"{left - self.running} waiting; elapsed {_hms(elapsed)}{eta}")

    def finished(self, entry: dict) -> None:
        if entry["status"] in FINAL_OK:
            self.done += 1
        else:
            self.failed += 1
        if entry.get("seconds") is not None:
            self.durations.append(entry["seconds"])
        took = f" in {entry['seconds']:.1f} s" if entry.get("seconds") is not None else ""
        err = f": {_one_line(entry['error'])}" if entry["status"] not in FINAL_OK and entry.get("error") else ""
        rank = f" (rank {entry['rank']})" if entry.get("rank") is not None else ""
        self.say(f"sweep: {entry['case']}: {entry['status']}{took}{rank}{err}")
        self.say(f"sweep: {self.status()}")

    def tick(self) -> None:
        if time.monotonic() - self.last > 60:
            self.say(f"sweep: {self.status()}")


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _hms(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}" if m else f"{s} s"
