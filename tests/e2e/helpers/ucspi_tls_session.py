#!/usr/bin/env python3
"""ucspi_tls_session.py CERT KEY MODE [STYLE] -- COMMAND...

Plays both ends of a TLS session, with Python's ssl:

- the server side, as STYLE does it (neither s6-networking nor ucspi-ssl is
  packaged in Debian 12; each style reproduces what the real one does):
    s6-ucspitlsd (the default), sslserver-n: UCSPI-TLS for STLS. COMMAND runs
      with the cleartext TCP connection on fds 0 and 1 and SSLCTLFD,
      SSLREADFD and SSLWRITEFD set; when COMMAND writes "y" or "Y" to the
      control fd the handshake runs on the connection, and from then on the
      decrypted stream goes through the two pipes ("Y" also sends
      SSL_PROTOCOL and SSL_CIPHER back on the control fd). When the
      handshake fails, s6-ucspitlsd closes the pipes and sslserver -n kills
      COMMAND. sslserver -n also leaves the accepted socket open on fd 4,
      sets PROTO=SSL and SSLREMOTEIP, and not TCPREMOTEIP (no -e).
    s6-tlsd, sslserver: implicit TLS. The handshake runs first, then COMMAND
      with the decrypted stream on fds 0 and 1 (pipes). s6-tlsd sets
      SSL_PROTOCOL and SSL_CIPHER and keeps TCPREMOTEIP (s6-tcpserver's);
      sslserver (without -s or -e) sets PROTO=SSL and SSLREMOTEIP, no
      SSL_PROTOCOL, no TCPREMOTEIP. (The real sslserver without -s starts
      COMMAND while the handshake runs, and kills it if it fails: a session
      whose handshake succeeds sees the same.)
- a TLS client that connects over 127.0.0.1 and runs MODE:
    normal   CAPA, STLS, handshake, CAPA, then USER/PASS/STAT/QUIT in one write
    require  USER before STLS, then as normal
    inject   "STLS\\r\\nCAPA\\r\\n" in one write (CVE-2011-0411), then a handshake
    garbage  CAPA, STLS, then cleartext where the handshake should be
    implicit TLS from the first byte: CAPA, then USER/PASS/STAT/QUIT
    plain    no TLS at all: USER/PASS/STAT/QUIT in cleartext

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


def sslserver_env(conn):
    """What sslserver sets without -e: its own SSL* names, not TCPREMOTEIP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TCP")}
    (remote_ip, remote_port), (local_ip, local_port) = conn.getpeername(), conn.getsockname()
    env.update(PROTO="SSL", SSLREMOTEIP=remote_ip, SSLREMOTEPORT=str(remote_port),
               SSLLOCALIP=local_ip, SSLLOCALPORT=str(local_port))
    return env


def context_for(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def serve_implicit(conn, cert, key, command, style, result):
    try:
        tls = context_for(cert, key).wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as error:
        result["server"] = f"handshake failed: {error}"
        conn.close()
        return
    if style == "s6-tlsd":
        env = dict(os.environ, SSL_PROTOCOL=tls.version(), SSL_CIPHER=tls.cipher()[0])
    else:
        env = sslserver_env(tls)
    app_read, relay_write = os.pipe()
    relay_read, app_write = os.pipe()
    child = subprocess.Popen(command, stdin=app_read, stdout=app_write, env=env)
    os.close(app_read)
    os.close(app_write)
    relay(tls, relay_read, relay_write)
    tls.close()
    finish(child, (relay_write, relay_read), result)


def finish(child, fds, result):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        result["status"] = child.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        result["status"] = child.wait()


def serve(conn, cert, key, command, style, result):
    if style in ("s6-tlsd", "sslserver"):
        return serve_implicit(conn, cert, key, command, style, result)
    ctl_parent, ctl_child = socket.socketpair()
    app_read, relay_write = os.pipe()     # decrypted client data to the program
    relay_read, app_write = os.pipe()     # the program's answers, to be encrypted
    env = sslserver_env(conn) if style == "sslserver-n" else dict(os.environ)
    env.update(SSLCTLFD=str(ctl_child.fileno()), SSLREADFD=str(app_read), SSLWRITEFD=str(app_write))
    for fd in (ctl_child.fileno(), app_read, app_write):
        os.set_inheritable(fd, True)
    # sslserver copies the socket to 0 and 1 and leaves it open on fd 4.
    leave_on_4 = (lambda: os.dup2(conn.fileno(), 4)) if style == "sslserver-n" else None
    child = subprocess.Popen(command, stdin=conn, stdout=conn, env=env, close_fds=False, preexec_fn=leave_on_4)
    ctl_child.close()
    os.close(app_read)
    os.close(app_write)
    ctl_parent.settimeout(TIMEOUT)
    try:
        command_byte = ctl_parent.recv(1)
    except socket.timeout:
        command_byte = b""
    if command_byte in (b"y", b"Y"):
        try:
            tls = context_for(cert, key).wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as error:
            result["server"] = f"handshake failed: {error}"
            tls = None
            if style == "sslserver-n":
                child.terminate()
        if tls and command_byte == b"Y":
            facts = f"SSL_PROTOCOL={tls.version()}\0SSL_CIPHER={tls.cipher()[0]}\0\0"
            ctl_parent.sendall(facts.encode())
        if tls:
            relay(tls, relay_read, relay_write)
            tls.close()
    conn.close()
    ctl_parent.close()
    finish(child, (relay_write, relay_read), result)


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
    if mode == "implicit":
        return session_over_tls(sock, out, greeting=True)
    out.append(read_until(sock, b"\r\n"))
    if mode == "plain":
        sock.sendall(b"USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
        out.append(read_all(sock))
        return
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
    if mode == "garbage":
        sock.sendall(b"USER alice\r\n")
        out.append(read_all(sock))
        return
    session_over_tls(sock, out, greeting=False)


def session_over_tls(sock, out, greeting):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        tls = context.wrap_socket(sock)
    except (ssl.SSLError, OSError):
        out.append(b"[handshake failed]\n")
        return
    out.append(b"[tls]\n")
    if greeting:
        out.append(read_until(tls, b"\r\n"))
    tls.sendall(b"CAPA\r\n")
    out.append(read_until(tls, b"\r\n.\r\n"))
    tls.sendall(b"USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
    out.append(read_all(tls))


def main():
    cert, key, mode = sys.argv[1:4]
    dashes = sys.argv.index("--")
    style = sys.argv[4] if dashes == 5 else "s6-ucspitlsd"
    command = sys.argv[dashes + 1:]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    out, result = [], {}
    client_thread = threading.Thread(target=client, args=(listener.getsockname()[1], mode, out))
    client_thread.start()
    listener.settimeout(TIMEOUT)
    conn, _ = listener.accept()
    listener.close()
    serve(conn, cert, key, command, style, result)
    client_thread.join(TIMEOUT)
    sys.stdout.buffer.write(b"".join(out))
    print("server:", result.get("server", "ok"), "status:", result.get("status"), file=sys.stderr)


if __name__ == "__main__":
    main()
