"""Reading a file to lint and writing its fixes back: bounded, and respectful of the file.

Reading: the file is opened without blocking and checked before a byte is read: only a regular
file is read (a named pipe, a device or a socket named on the command line would block for ever
or never end: `memlint /dev/zero`), and never more than `MAX_FILE_BYTES + 1` bytes, so a file
that grows while it is read cannot make memlint read without end.

Writing (`write_fixed`): memlint never writes through a symbolic link (it says so, and leaves
the link and its target alone), and re-checks just before replacing the file that it still holds
the bytes the fixes were computed from (an edit made meanwhile is kept, the fixes are not
written). The new content normally goes to a temporary file in the same directory that then
replaces the original (atomic: a reader sees the old file or the new one, never half of
either), with the original's mode, owner and group. When that would change the file's identity,
the file is rewritten in place instead (same inode, so same owner, group, mode and links):
- it has other hard links: a rename would leave them pointing at the old content;
- its directory is not writable (but the file is): no temporary file can be created there;
- its owner or group cannot be given to a new file (not root, someone else's file).
An in-place write is not atomic: an interruption midway can leave the file partly written,
which is why it is only the fallback.

Nothing here imports LibCST: a run served from the cache reads files without loading it.
"""

from __future__ import annotations

import os
import stat
from typing import Optional

# hashlib and tempfile are imported by the functions that write fixes: a check never needs them.

# A file above this size is reported, not parsed: LibCST needs roughly 1 KB of memory per source
# line for the tree, and a generated file this large is not something a person fixes by hand.
MAX_FILE_BYTES = 16 * 1024 * 1024
_CHUNK = 1 << 20
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class UnreadableFile(Exception):
    """Why a file cannot be linted; the caller turns it into one MEM000 finding."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_source(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, or UnreadableFile saying why not."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(f"not a regular file ({_kind(status.st_mode)}): only regular files are linted")
        if status.st_size > max_bytes:
            raise UnreadableFile(_too_large(status.st_size, max_bytes))
        chunks = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # it grew while being read
            raise UnreadableFile(_too_large(size, max_bytes, more=True))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_stream(stream: "object", max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """At most `max_bytes + 1` bytes of a binary stream (standard input): `decode` reports a
    text above the limit, and `memlint - < /dev/zero` ends."""
    return stream.read(max_bytes + 1)  # type: ignore[attr-defined,no-any-return]


def _too_large(size: int, max_bytes: int, more: bool = False) -> str:
    amount = f"more than {max_bytes:,}" if more else f"{size:,}"
    return f"file is too large to lint ({amount} bytes; the limit is {max_bytes:,})"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "a special file"


def digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def write_fixed(path: str, text: str, original: Optional[bytes] = None) -> Optional[str]:
    """Write `text` (in the file's own encoding) to `path`; `original` is the content the fixes
    were computed from: if the file no longer holds it, nothing is written.

    Returns an error message instead of raising; on any failure the file is left as it was.
    """
    from memlint.parsing import decode, encode

    try:
        if os.path.islink(path):
            target = os.readlink(path)
            return f"cannot write fixes: it is a symbolic link (to {target}) and memlint does not write through links; fix {target} itself (file left unchanged)"
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            return f"cannot write fixes: not a regular file ({_kind(status.st_mode)}) (file left unchanged)"
        current = read_source(path) if original is None else original
        data = encode(text, decode(current).encoding)
        if not os.access(path, os.W_OK):
            return "cannot write fixes: permission denied (file left unchanged)"
        expected = digest(current)
        if status.st_nlink > 1 or not os.access(os.path.dirname(os.path.abspath(path)), os.W_OK | os.X_OK):
            return _write_in_place(path, data, expected)
        return _replace(path, data, expected, status)
    except UnreadableFile as exc:
        return f"cannot write fixes: {exc.reason} (file left unchanged)"
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        return f"cannot write fixes: {reason} (file left unchanged)"
    except (UnicodeError, ValueError) as exc:
        return f"cannot write fixes: {exc} (file left unchanged)"


CHANGED = "fixes not written: the file changed while memlint was fixing it (left as it is now)"


def _unchanged(path: str, expected: str) -> bool:
    try:
        return digest(read_source(path)) == expected
    except UnreadableFile:
        return False


def _replace(path: str, data: bytes, expected: str, status: os.stat_result) -> Optional[str]:
    """Atomically: a temporary file with the original's mode, owner and group, renamed over it.
    Falls back to an in-place write when the owner or group cannot be kept."""
    import tempfile

    try:
        fd, temporary = tempfile.mkstemp(prefix=".memlint-", suffix=".tmp", dir=os.path.dirname(os.path.abspath(path)))
    except PermissionError:  # a directory this process may not add to (even as root: some mounts)
        return _write_in_place(path, data, expected)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, status.st_mode & 0o7777)
        if not _same_owner(temporary, status):
            os.unlink(temporary)
            return _write_in_place(path, data, expected)
        if not _unchanged(path, expected):
            os.unlink(temporary)
            return CHANGED
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return None


def _same_owner(temporary: str, status: os.stat_result) -> bool:
    """Give the temporary file the original's owner and group (root can; a user can set the
    group to one of their own); False when that is not possible."""
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) == (status.st_uid, status.st_gid):
        return True
    if not hasattr(os, "chown"):
        return False
    try:
        os.chown(temporary, status.st_uid, status.st_gid)
        if status.st_mode & (stat.S_ISUID | stat.S_ISGID):
            os.chmod(temporary, status.st_mode & 0o7777)  # chown clears the set-id bits
    except OSError:
        return False
    return True


def _write_in_place(path: str, data: bytes, expected: str) -> Optional[str]:
    """Rewrite the file's own content (same inode): its links, owner, group and mode stay."""
    with open(path, "r+b") as handle:
        if digest(handle.read(MAX_FILE_BYTES + 1)) != expected:
            return CHANGED
        handle.seek(0)
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
    return None
