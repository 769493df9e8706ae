#!/usr/bin/env python3
"""fd_thief.py PID FD TEXT: what a local user tries against a process of
theirs: take its descriptor FD with pidfd_getfd(2) and write TEXT to it.
Prints "stolen" (and writes) or "refused ERRNO-NAME"; exits 0 either way,
1 when the process is not there."""
import ctypes
import errno
import os
import sys

SYS_pidfd_open, SYS_pidfd_getfd = 434, 438  # the same on x86_64 and aarch64

libc = ctypes.CDLL(None, use_errno=True)
pid, fd, text = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pidfd = libc.syscall(SYS_pidfd_open, pid, 0)
if pidfd < 0:
    print("no-process", errno.errorcode[ctypes.get_errno()])
    sys.exit(1)
stolen = libc.syscall(SYS_pidfd_getfd, pidfd, fd, 0)
if stolen < 0:
    print("refused", errno.errorcode[ctypes.get_errno()])
    sys.exit(0)
os.write(stolen, text.encode().replace(b"\\n", b"\n"))
print("stolen")
