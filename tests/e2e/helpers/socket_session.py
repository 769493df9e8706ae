#!/usr/bin/env python3
"""socket_session.py [--tcp] [--timeout S] TEXT -- COMMAND...

Runs COMMAND with fds 0 and 1 on a socket (a socketpair, or with --tcp a
TCP connection over 127.0.0.1), sends TEXT (backslash escapes work) in one
write, and prints everything COMMAND sends until it closes the connection.
The command's exit status is printed on stderr as "status N".
"""
import socket
import subprocess
import sys


def main():
    args = sys.argv[1:]
    tcp = False
    timeout = 10.0
    while args and args[0].startswith("--") and args[0] != "--":
        if args[0] == "--tcp":
            tcp = True
            args = args[1:]
        elif args[0] == "--timeout":
            timeout = float(args[1])
            args = args[2:]
    text = args[0].encode().decode("unicode_escape").encode("latin-1")
    command = args[args.index("--") + 1:]
    if tcp:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
        listener.close()
    else:
        client, server = socket.socketpair()
    child = subprocess.Popen(command, stdin=server, stdout=server)
    server.close()
    client.settimeout(timeout)
    client.sendall(text)
    out = b""
    try:
        while True:
            chunk = client.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    client.close()
    try:
        status = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        status = child.wait()
    sys.stdout.buffer.write(out)
    print("status", status, file=sys.stderr)


if __name__ == "__main__":
    main()
