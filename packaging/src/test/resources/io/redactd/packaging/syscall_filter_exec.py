# Runs a command under the system call filter a unit's SystemCallFilter= lines describe, built the way
# systemd builds it: the allow-list's groups expanded by systemd-analyze itself, minus the deny-list, every
# other call failing with EPERM (SystemCallErrorNumber=EPERM), native architecture only.
# Usage: syscall_filter_exec.py ALLOW_GROUPS DENY_GROUPS -- COMMAND...
#   e.g. syscall_filter_exec.py "@system-service" "@privileged @resources" -- java -version
# Needs Debian's python3-seccomp (libseccomp's binding), hence /usr/bin/python3.
import errno
import os
import subprocess
import sys

import seccomp


def expand(names, seen=None):
    seen = set() if seen is None else seen
    calls = set()
    for name in names.split():
        if not name.startswith('@'):
            calls.add(name)
            continue
        if name in seen:
            continue
        seen.add(name)
        listing = subprocess.run(['systemd-analyze', 'syscall-filter', '--no-pager', name],
                                 check=True, capture_output=True, text=True).stdout
        for line in listing.splitlines()[1:]:
            entry = line.strip()
            if entry and not entry.startswith('#'):
                calls |= expand(entry, seen)
    return calls


allow, deny, separator, command = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if separator != '--' or not command:
    sys.exit('usage: syscall_filter_exec.py ALLOW DENY -- COMMAND...')
permitted = expand(allow) - expand(deny)
flt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
unknown = 0
for call in sorted(permitted):
    try:
        flt.add_rule(seccomp.ALLOW, call)
    except (RuntimeError, ValueError):
        unknown += 1  # names for other architectures or newer kernels, as systemd skips them
print('seccomp: %d calls allowed, %d unknown here' % (len(permitted) - unknown, unknown), file=sys.stderr)
flt.load()
os.execvp(command[0], command)
