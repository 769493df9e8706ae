// The machine's limits that the benchmark holds each server against. Each
// function measures one thing, prints "key value" lines and returns an exit code.
#pragma once

namespace bench {

// crypt USER PASSFILE SECONDS THREADS: the user's shadow hash checked on THREADS cores.
int measure_crypt(int argc, char** argv);
// hash PASSFILE: a yescrypt hash of the password with libcrypt's default cost.
int make_hash(int argc, char** argv);
// readdir MAILDIR REPEAT: one pass of readdir over new/ and cur/.
int measure_readdir(int argc, char** argv);
// readall MAILDIR: every message file of new/ and cur/ opened and read once.
int measure_readall(int argc, char** argv);
// tcpcopy MAILDIR: every message file read and sent over a loopback TCP socket;
// then the time of one short request and answer on such a socket.
int measure_tcp_copy(int argc, char** argv);
// freeport: a TCP port on 127.0.0.1 that nothing listens on now.
int print_free_port(int argc, char** argv);

}  // namespace bench
