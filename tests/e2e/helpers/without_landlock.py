#!/usr/bin/env python3
"""without_landlock.py PROGRAM ARGS...: runs PROGRAM as on a kernel without
Landlock: a seccomp filter makes landlock_create_ruleset(2) fail with ENOSYS,
as it does before Linux 5.13, and lets every other call through."""
import ctypes
import os
import struct
import sys

NR_LANDLOCK_CREATE_RULESET = 444  # the same number on every architecture
ENOSYS = 38
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW = 0x00050000, 0x7FFF0000


class Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


program = b"".join(struct.pack("=HBBI", *insn) for insn in [
    (BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    (BPF_JEQ_K, 0, 1, NR_LANDLOCK_CREATE_RULESET),
    (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS),
    (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
])
libc = ctypes.CDLL(None, use_errno=True)
prog = Filter(len(program) // 8, program)
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
        libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
    sys.exit("without_landlock.py: seccomp: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
