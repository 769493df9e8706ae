// The fastest a server could send a Maildir: every file read and written to a
// loopback TCP socket by a plain copy, and read on the other end.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "fd.hpp"
#include "limits.hpp"

namespace bench {

namespace {

constexpr size_t chunk = 256 * 1024;


bool write_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

void send_maildir(const std::string& maildir, postern::Fd sock) {
    std::unique_ptr<char[]> buf(new char[chunk]);
    bool sending = true;  // until the reader is gone
    for_each_message(maildir, [&](int dir, const char* name) {
        postern::Fd fd(openat(dir, name, O_RDONLY | O_CLOEXEC));
        ssize_t n;
        while (sending && fd && (n = read(fd.get(), buf.get(), chunk)) > 0)
            sending = write_all(sock.get(), buf.get(), size_t(n));
    });
}

postern::Fd loopback_listener(sockaddr_in& sa) {
    postern::Fd l(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sa = {};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (!l || bind(l.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0 || listen(l.get(), 1) != 0 ||
        getsockname(l.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0)
        return postern::Fd();
    return l;
}

// A connected pair over 127.0.0.1: `client` and `server`.
bool loopback_pair(postern::Fd& client, postern::Fd& server) {
    sockaddr_in sa;
    postern::Fd listener = loopback_listener(sa);
    client = postern::Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener || !client || connect(client.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return false;
    server = postern::Fd(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    return bool(server);
}

}  // namespace

int measure_tcp_copy(int argc, char** argv) {
    if (argc != 1) return 2;
    postern::Fd client, server;
    if (!loopback_pair(client, server)) {
        std::perror("postern-bench-limit: loopback");
        return 111;
    }
    double t0 = now_s();
    std::thread sender(send_maildir, std::string(argv[0]), std::move(server));
    std::unique_ptr<char[]> buf(new char[chunk]);
    unsigned long long bytes = 0;
    ssize_t n;
    while ((n = read(client.get(), buf.get(), chunk)) > 0) bytes += size_t(n);
    double took = now_s() - t0;
    sender.join();
    std::printf("bytes %llu\ncopy_s %.3f\nmb_per_s %.1f\n", bytes, took, double(bytes) / 1e6 / took);
    return 0;
}

int print_free_port(int argc, char**) {
    if (argc != 0) return 2;
    sockaddr_in sa;
    postern::Fd l = loopback_listener(sa);
    if (!l) return 111;
    std::printf("%u\n", unsigned(ntohs(sa.sin_port)));
    return 0;
}

}  // namespace bench
