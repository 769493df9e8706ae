// The fastest a server could send a Maildir: every file read and written to a
// loopback TCP socket by a plain copy, and read on the other end. Also what one
// request and answer cost on that socket (a client that waits for each answer
// before its next command pays it once a message), so that the report can show
// how much of the gap to the plain copy is the round trips alone.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fd.hpp"
#include "limits.hpp"

namespace bench {

namespace {

constexpr size_t chunk = 256 * 1024;

double now_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

bool write_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

void send_maildir(const std::string& maildir, postern::Fd sock, size_t* files) {
    std::unique_ptr<char[]> buf(new char[chunk]);
    for (const char* sub : {"/new", "/cur"}) {
        DIR* d = opendir((maildir + sub).c_str());
        if (!d) continue;
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            postern::Fd fd(openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC));
            if (fd) ++*files;
            ssize_t n;
            while (fd && (n = read(fd.get(), buf.get(), chunk)) > 0)
                if (!write_all(sock.get(), buf.get(), size_t(n))) break;
        }
        closedir(d);
    }
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

// Keeps the calling thread on one CPU (when there are two or more), so that
// the two ends of a round trip run on different cores, as a busy server and
// its client do.
void pin_to_cpu(int cpu) {
    if (std::thread::hardware_concurrency() < 2) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Answers each short request with a short line, as a server answers DELE.
void answer_requests(postern::Fd sock) {
    pin_to_cpu(1);
    char buf[64];
    while (read(sock.get(), buf, sizeof buf) > 0)
        if (!write_all(sock.get(), "+OK\r\n", 5)) break;
}

// The median time of one request and its answer, in seconds.
double round_trip_seconds(int client) {
    pin_to_cpu(0);
    constexpr int count = 2001;
    std::vector<double> times;
    char buf[64];
    for (int i = 0; i < count; ++i) {
        double t0 = now_s();
        if (!write_all(client, "RETR 1\r\n", 8) || read(client, buf, sizeof buf) <= 0) return 0;
        times.push_back(now_s() - t0);
    }
    std::nth_element(times.begin(), times.begin() + count / 2, times.end());
    return times[count / 2];
}

}  // namespace

int measure_tcp_copy(int argc, char** argv) {
    if (argc != 1) return 2;
    postern::Fd client, server;
    if (!loopback_pair(client, server)) {
        std::perror("postern-bench-limit: loopback");
        return 111;
    }
    size_t files = 0;
    double t0 = now_s();
    std::thread sender(send_maildir, std::string(argv[0]), std::move(server), &files);
    std::unique_ptr<char[]> buf(new char[chunk]);
    unsigned long long bytes = 0;
    ssize_t n;
    while ((n = read(client.get(), buf.get(), chunk)) > 0) bytes += size_t(n);
    double took = now_s() - t0;
    sender.join();

    if (!loopback_pair(client, server)) {
        std::perror("postern-bench-limit: loopback");
        return 111;
    }
    std::thread answerer(answer_requests, std::move(server));
    double rtt = round_trip_seconds(client.get());
    client.reset();
    answerer.join();
    double serial = took + double(files) * rtt;
    std::printf("bytes %llu\nfiles %zu\ncopy_s %.3f\nmb_per_s %.1f\nround_trip_us %.1f\nserial_mb_per_s %.1f\n",
                bytes, files, took, double(bytes) / 1e6 / took, rtt * 1e6, double(bytes) / 1e6 / serial);
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
