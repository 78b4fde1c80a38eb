# Stands in for systemd's notify socket: binds an AF_UNIX datagram socket, asks the kernel for the
# sender's credentials (SO_PASSCRED, as systemd does), and prints "<sender pid> <message>" per datagram.
import socket
import struct
import sys

address, count = sys.argv[1], int(sys.argv[2])
if address.startswith('@'):
    address = '\0' + address[1:]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
sock.bind(address)
sock.settimeout(30)
print('bound', flush=True)
for _ in range(count):
    data, ancillary, _flags, _addr = sock.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize('iII')))
    pid = -1
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack('iII', payload[:12])[0]
    print(str(pid) + ' ' + data.decode('utf-8').replace('\n', '|'), flush=True)
