# Runs a command the way MemoryDenyWriteExecute=yes would: with the kernel's memory-deny-write-execute
# policy (prctl PR_SET_MDWE, Linux 6.3+), which refuses any mapping that is, or later becomes, both
# writable and executable. systemd 252 enforces the same rule with a seccomp filter; newer systemd uses this prctl.
import ctypes
import os
import sys

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    print('PR_SET_MDWE unsupported by this kernel (errno %d)' % ctypes.get_errno(), file=sys.stderr)
    sys.exit(3)
os.execvp(sys.argv[1], sys.argv[1:])
