"""One writer per output directory: an exclusive ``flock`` on a lock file inside it, held for a whole run.

Two ``liplate run`` on the same case at once would both write ``output/`` and mix their results; the
second one therefore refuses at once, naming the lock file and the process that holds it. The lock
belongs to the open file, so the kernel releases it when the holder exits, however it dies (a
``kill -9`` leaves the file behind but not the lock: a stale lock file never blocks anyone).

The lock file is never deleted while a run holds it (``--force`` clears everything else), so the
lock always sits on the one file every process opens.
"""
from __future__ import annotations

import errno
import fcntl
import os
import socket
import time
from pathlib import Path

LOCK_NAME = ".liplate.lock"
SWEEP_LOCK_NAME = ".liplate-sweep.lock"


class LockHeld(RuntimeError):
    """The directory is being written by another process."""


class NotADirectory(RuntimeError):
    """Where the output directory goes there is something else (a plain file)."""


def holder(lock_path: Path) -> str:
    """What the lock file says about its holder ("PID 123 on host, since ..."), or a fallback."""
    try:
        info = dict(line.split("=", 1) for line in Path(lock_path).read_text().splitlines() if "=" in line)
    except OSError:
        info = {}
    if "pid" not in info:
        return "another process"
    where = f" on {info['host']}" if info.get("host") else ""
    since = f", since {info['started']}" if info.get("started") else ""
    what = f" ({info['command']})" if info.get("command") else ""
    return f"PID {info['pid']}{where}{since}{what}"


class DirLock:
    """Exclusive lock on ``directory`` (created if missing). Use as a context manager or acquire/release.

    ``command`` is recorded in the lock file for the message another process shows.
    """

    def __init__(self, directory: str | Path, command: str = "liplate", name: str = LOCK_NAME):
        self.directory = Path(directory)
        self.path = self.directory / name
        self.command = command
        self.fd: int | None = None
        self.created_dir = False

    def acquire(self) -> DirLock:
        if self.directory.exists() and not self.directory.is_dir():
            raise NotADirectory(f"{self.directory} exists and is not a directory; liplate writes its outputs "
                                "there: move or remove that file")
        if not self.directory.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            self.created_dir = True
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise LockHeld(f"{self.directory} is being written by {holder(self.path)} (lock file "
                                   f"{self.path}); wait for that run to end, or stop it, then try again") from None
                raise
            # The file may have been removed (and replaced) between open and flock: then the lock is on an
            # orphan inode that nobody else sees; open the current file instead.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self.fd = fd
        text = (f"pid={os.getpid()}\nhost={socket.gethostname()}\n"
                f"started={time.strftime('%Y-%m-%dT%H:%M:%S%z')}\ncommand={self.command}\n")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, text.encode(), 0)
        except OSError:
            pass  # a full disk: the lock holds without the note of who holds it
        return self

    def release(self, remove_dir_if_unused: bool = False) -> None:
        """Release the lock. With ``remove_dir_if_unused``, a directory this lock created that holds nothing
        but the lock file is removed again (a run that stopped before writing anything leaves nothing)."""
        if self.fd is None:
            return
        try:
            if remove_dir_if_unused and self.created_dir \
                    and [p.name for p in self.directory.iterdir()] == [self.path.name]:
                self.path.unlink(missing_ok=True)
                self.directory.rmdir()
        except OSError:
            pass
        finally:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> DirLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def clear_dir(directory: str | Path) -> None:
    """Delete everything in ``directory`` except its lock files (a run holding the lock keeps it)."""
    import shutil

    directory = Path(directory)
    if not directory.is_dir():
        return
    for entry in directory.iterdir():
        if entry.name in (LOCK_NAME, SWEEP_LOCK_NAME):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
