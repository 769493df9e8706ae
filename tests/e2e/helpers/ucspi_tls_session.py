#!/usr/bin/env python3
"""ucspi_tls_session.py CERT KEY MODE -- COMMAND...

Plays both ends of an STLS session through UCSPI-TLS, with Python's ssl:

- the server side, as sslserver -n or s6-ucspitlsd do: COMMAND runs with the
  cleartext TCP connection on fds 0 and 1 and SSLCTLFD, SSLREADFD and
  SSLWRITEFD set; when COMMAND writes "y" or "Y" to the control fd the
  handshake runs on the connection, and from then on the decrypted stream
  goes through the two pipes ("Y" also sends SSL_PROTOCOL and SSL_CIPHER
  back on the control fd);
- a TLS client that connects over 127.0.0.1 and runs MODE:
    normal   CAPA, STLS, handshake, CAPA, then USER/PASS/STAT/QUIT in one write
    require  USER before STLS, then as normal
    inject   "STLS\\r\\nCAPA\\r\\n" in one write (CVE-2011-0411), then a handshake

The transcript goes to stdout, with "[tls]" where TLS starts and
"[handshake failed]" when it could not.
"""
import os
import select
import socket
import ssl
import subprocess
import sys
import threading

TIMEOUT = 10


def serve(conn, cert, key, command, result):
    ctl_parent, ctl_child = socket.socketpair()
    app_read, relay_write = os.pipe()     # decrypted client data to the program
    relay_read, app_write = os.pipe()     # the program's answers, to be encrypted
    env = dict(os.environ, SSLCTLFD=str(ctl_child.fileno()), SSLREADFD=str(app_read),
               SSLWRITEFD=str(app_write))
    child = subprocess.Popen(command, stdin=conn, stdout=conn, env=env,
                             pass_fds=(ctl_child.fileno(), app_read, app_write))
    ctl_child.close()
    os.close(app_read)
    os.close(app_write)
    ctl_parent.settimeout(TIMEOUT)
    try:
        command_byte = ctl_parent.recv(1)
    except socket.timeout:
        command_byte = b""
    if command_byte in (b"y", b"Y"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        try:
            tls = context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as error:
            result["server"] = f"handshake failed: {error}"
            tls = None
        if tls and command_byte == b"Y":
            facts = f"SSL_PROTOCOL={tls.version()}\0SSL_CIPHER={tls.cipher()[0]}\0\0"
            ctl_parent.sendall(facts.encode())
        if tls:
            relay(tls, relay_read, relay_write)
            tls.close()
    for fd in (relay_write, relay_read):
        try:
            os.close(fd)
        except OSError:
            pass
    conn.close()
    ctl_parent.close()
    try:
        result["status"] = child.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        result["status"] = child.wait()


def relay(tls, relay_read, relay_write):
    to_app = True
    while True:
        readable, _, _ = select.select([tls, relay_read] if to_app else [relay_read], [], [], TIMEOUT)
        if not readable:
            return
        if tls in readable or (to_app and tls.pending()):
            try:
                data = tls.recv(65536)
            except (ssl.SSLError, OSError):
                data = b""
            if data:
                os.write(relay_write, data)
            else:  # the client is done: the program sees end of file
                to_app = False
                os.close(relay_write)
        if relay_read in readable:
            data = os.read(relay_read, 65536)
            if not data:
                return
            tls.sendall(data)


def read_until(sock, ending):
    data = b""
    while not data.endswith(ending):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def read_all(sock):
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ssl.SSLError, OSError):
        pass
    return data


def client(port, mode, out):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    out.append(read_until(sock, b"\r\n"))
    if mode == "inject":
        sock.sendall(b"STLS\r\nCAPA\r\n")
        out.append(read_until(sock, b"\r\n"))
    else:
        sock.sendall(b"CAPA\r\n")
        out.append(read_until(sock, b"\r\n.\r\n"))
        if mode == "require":
            sock.sendall(b"USER alice\r\n")
            out.append(read_until(sock, b"\r\n"))
        sock.sendall(b"STLS\r\n")
        out.append(read_until(sock, b"\r\n"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        tls = context.wrap_socket(sock)
    except (ssl.SSLError, OSError):
        out.append(b"[handshake failed]\n")
        return
    out.append(b"[tls]\n")
    tls.sendall(b"CAPA\r\n")
    out.append(read_until(tls, b"\r\n.\r\n"))
    tls.sendall(b"USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
    out.append(read_all(tls))


def main():
    cert, key, mode = sys.argv[1:4]
    command = sys.argv[sys.argv.index("--") + 1:]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    out, result = [], {}
    client_thread = threading.Thread(target=client, args=(listener.getsockname()[1], mode, out))
    client_thread.start()
    listener.settimeout(TIMEOUT)
    conn, _ = listener.accept()
    listener.close()
    serve(conn, cert, key, command, result)
    client_thread.join(TIMEOUT)
    sys.stdout.buffer.write(b"".join(out))
    print("server:", result.get("server", "ok"), "status:", result.get("status"), file=sys.stderr)


if __name__ == "__main__":
    main()
