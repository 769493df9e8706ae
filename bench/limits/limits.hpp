// The machine's limits that the benchmark holds each server against. Each
// function measures one thing, prints "key value" lines and returns an exit code.
#pragma once
#include <dirent.h>
#include <time.h>

#include <string>

namespace bench {

inline double now_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Calls each(dirfd, name) for every entry of new/ and cur/ that is not a dot-file; returns how many.
template <class Each> size_t for_each_message(const std::string& maildir, Each&& each) {
    size_t n = 0;
    for (const char* sub : {"/new", "/cur"}) {
        DIR* d = opendir((maildir + sub).c_str());
        if (!d) continue;
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            each(dirfd(d), e->d_name);
            ++n;
        }
        closedir(d);
    }
    return n;
}

// crypt USER PASSFILE SECONDS THREADS: the user's shadow hash checked on THREADS
// cores: checks a second, and the CPU time of one.
int measure_crypt(int argc, char** argv);
// hash PASSFILE [PREFIX]: a hash of the password with libcrypt's default cost:
// yescrypt, or the method of PREFIX ("$6$": SHA-512).
int make_hash(int argc, char** argv);
// readdir MAILDIR REPEAT: one pass of readdir over new/ and cur/.
int measure_readdir(int argc, char** argv);
// readall MAILDIR: every message file of new/ and cur/ opened and read once.
int measure_readall(int argc, char** argv);
// tcpcopy MAILDIR: every message file read and sent over a loopback TCP socket.
int measure_tcp_copy(int argc, char** argv);
// freeport: a TCP port on 127.0.0.1 that nothing listens on now.
int print_free_port(int argc, char** argv);

}  // namespace bench
