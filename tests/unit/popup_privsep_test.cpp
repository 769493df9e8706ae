// The parts of postern-popup's privilege separation that can be checked in
// one process: the login record's strict format, the log relay's cleaning,
// the network account's passwd lookup, the seccomp filter (in a forked
// child), and closing every descriptor but the kept ones.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cstring>
#include <string>

#include "fd.hpp"
#include "popup/log_relay.hpp"
#include "popup/login_record.hpp"
#include "popup/network_account.hpp"
#include "popup/seccomp_filter.hpp"

using namespace postern;
using namespace postern::popup;
using namespace std::string_view_literals;
using namespace std::string_literals;

namespace {
constexpr std::string_view stamp = "<1.2.3@host>";
const std::string digest(32, 'a');

std::string encoded(RecordKind kind, const LoginRequest& request, bool tls) {
    LoginRecord record;
    REQUIRE(encode_login_record(record, kind, request, tls));
    return std::string(record.view());
}

// Runs `body` in a forked child; its wait status.
template <typename Body>
int in_child(Body body) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(body());
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return status;
}
}  // namespace

TEST_CASE("login record: encoded and decoded back", "[popup][privsep]") {
    std::string r = encoded(RecordKind::check, {"alice", "secret", "", "user", 0}, false);
    CHECK(r == "Lu0alice\0secret\0\0"sv);
    auto d = decode_login_record(r, stamp);
    REQUIRE(d);
    CHECK(d->kind == RecordKind::check);
    CHECK(d->request.user == "alice");
    CHECK(d->request.password == "secret");
    CHECK(d->request.timestamp.empty());
    CHECK(std::strcmp(d->request.mechanism, "user") == 0);
    CHECK_FALSE(d->tls);

    r = encoded(RecordKind::check, {"bob", digest, stamp, "apop", 0}, true);
    d = decode_login_record(r, stamp);
    REQUIRE(d);
    CHECK(std::strcmp(d->request.mechanism, "apop") == 0);
    CHECK(d->request.timestamp == stamp);
    CHECK(d->tls);

    d = decode_login_record(encoded(RecordKind::refuse, {"carol", "pw", "", "plain", 0}, false), stamp);
    REQUIRE(d);
    CHECK(d->kind == RecordKind::refuse);
    d = decode_login_record("T", stamp);
    REQUIRE(d);
    CHECK(d->kind == RecordKind::tls_running);
}

TEST_CASE("login record: anything but the exact shape is refused", "[popup][privsep]") {
    std::string apop = "La0bob\0"s + digest + "\0"s + std::string(stamp) + "\0"s;
    REQUIRE(decode_login_record(apop, stamp));
    for (std::string_view bad : {
             ""sv, "T\0"sv, "TT"sv, "X"sv, "Lu"sv,
             "Xu0a\0b\0\0"sv,        // unknown kind
             "Lx0a\0b\0\0"sv,        // unknown mechanism
             "Lu2a\0b\0\0"sv,        // TLS neither 0 nor 1
             "Lu0\0b\0\0"sv,         // no user
             "Lu0a\0b\0"sv,          // two fields
             "Lu0a\0b\0\0x"sv,       // bytes after the third field
             "Lu0a\0b\0\0\0"sv,      // a fourth field
             "Lu0a\0b\0<1.2.3@host>\0"sv,  // a timestamp without APOP
         }) {
        INFO(std::string(bad));
        CHECK_FALSE(decode_login_record(bad, stamp));
    }
    CHECK_FALSE(decode_login_record(apop, "<other@host>"));   // not the greeting's timestamp
    CHECK_FALSE(decode_login_record(apop, ""));               // APOP not offered
    std::string short_digest = "La0bob\0"s + digest.substr(1) + "\0"s + std::string(stamp) + "\0"s;
    CHECK_FALSE(decode_login_record(short_digest, stamp));
    std::string huge = "Lu0" + std::string(max_login_record, 'u') + "\0p\0\0"s;
    CHECK_FALSE(decode_login_record(huge, stamp));
}

TEST_CASE("login record: the fields must fit the checkpassword interface", "[popup][privsep]") {
    LoginRecord record;
    std::string big(300, 'x');
    CHECK_FALSE(encode_login_record(record, RecordKind::check, {big, big, "", "user", 0}, false));
    CHECK(record.empty());
    std::string edge(512 - 3 - 1, 'y');  // user, one-byte password, empty timestamp: 512 bytes
    REQUIRE(encode_login_record(record, RecordKind::check, {edge, "p", "", "user", 0}, false));
    CHECK(record.size() == max_login_record);
    CHECK(decode_login_record(record.view(), stamp));
}

TEST_CASE("log relay: a forged root line is defused wherever it stands", "[popup][privsep]") {
    CHECK(relayed_form("", "postern-pop3d: end user=a") == "postern-pop3d: end user=a");
    CHECK(relayed_form("", "postern-popup: login-refused user=x remote=192.0.2.99") ==
          "postern-popup? login-refused user=x remote=192.0.2.99");
    CHECK(relayed_form("", "postern-pop3d: x postern-popup: login-refused remote=192.0.2.99") ==
          "postern-pop3d: x postern-popup? login-refused remote=192.0.2.99");
    CHECK(relayed_form("", "a postern-tcpserver: refuse") == "a postern-tcpserver? refuse");
    CHECK(relayed_form("", "bell\a and\rcr") == "bell? and?cr");
    std::string long_line(max_relayed_line + 50, 'z');
    CHECK(relayed_form("", long_line) == std::string(max_relayed_line, 'z') + "...");
}

TEST_CASE("log relay: the network child's lines carry its own name once", "[popup][privsep]") {
    CHECK(relayed_form("postern-popup-net", "postern-popup-net: timeout remote=-") ==
          "postern-popup-net: timeout remote=-");
    CHECK(relayed_form("postern-popup-net", "postern-popup: login-ok user=x") ==
          "postern-popup-net: postern-popup? login-ok user=x");
    CHECK(relayed_form("postern-popup-net", "postern-pop3d: end") == "postern-popup-net: postern-pop3d: end");
}

TEST_CASE("log relay: lines split across reads, cut when too long, a budget for all", "[popup][privsep]") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    Fd read_end(ends[0]);
    int saved = ::dup(2);
    ::dup2(ends[1], 2);
    ::close(ends[1]);
    {
        LogRelay relay("", 200);
        relay.feed("one ");
        relay.feed("line\ntwo\n");
        relay.feed(std::string(max_relayed_line + 10, 'q') + "\nafter\n");  // over the budget from here
        relay.feed("gone\n");
        relay.feed("last");
        relay.finish();
    }
    ::dup2(saved, 2);
    ::close(saved);
    char buffer[4096];
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    REQUIRE(n > 0);
    std::string got(buffer, size_t(n));
    CHECK(got.starts_with("one line\ntwo\n"));
    CHECK(got.find("log-truncated") != std::string::npos);
    CHECK(got.find("after") == std::string::npos);
    CHECK(got.find("last") == std::string::npos);
}

TEST_CASE("network account: found by name in passwd-format text", "[popup][privsep]") {
    std::string_view text = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                            "pop:x:120:130::/:/bin/false";
    auto nobody = passwd_entry(text, "nobody");
    REQUIRE(nobody);
    CHECK(nobody->uid == 65534);
    CHECK(nobody->gid == 65534);
    auto pop = passwd_entry(text, "pop");
    REQUIRE(pop);
    CHECK(pop->gid == 130);
    CHECK_FALSE(passwd_entry(text, "no"));
    CHECK_FALSE(passwd_entry(text, "nobod"));
    CHECK_FALSE(passwd_entry("bad:x:-1:0::/:\n", "bad"));
}

TEST_CASE("seccomp: the dialogue's calls pass, any other kills the process", "[popup][privsep]") {
    int allowed = in_child([] {
        if (install_network_filter() != FilterResult::installed) return 3;
        char byte = 'x';
        if (::write(1, &byte, 0) != 0) return 4;
        std::string grown(1 << 20, 'g');  // malloc's mmap
        return grown.size() == (1u << 20) ? 0 : 5;
    });
#if defined(__SANITIZE_ADDRESS__)
    CHECK(WEXITSTATUS(allowed) == 3);  // the sanitizer run-time needs what the filter forbids: not installed
#else
    CHECK(WIFEXITED(allowed));
    CHECK(WEXITSTATUS(allowed) == 0);
    int forbidden = in_child([] {
        if (install_network_filter() != FilterResult::installed) return 3;
        ::syscall(SYS_getuid);
        return 0;
    });
    REQUIRE(WIFSIGNALED(forbidden));
    CHECK(WTERMSIG(forbidden) == SIGSYS);
    int opened = in_child([] {
        if (install_network_filter() != FilterResult::installed) return 3;
        return ::open("/etc/passwd", O_RDONLY) >= 0 ? 0 : 1;
    });
    REQUIRE(WIFSIGNALED(opened));
    CHECK(WTERMSIG(opened) == SIGSYS);
#endif
}

TEST_CASE("close_fds_from: all but the kept descriptors", "[privsep]") {
    int status = in_child([] {
        for (int fd : {20, 21, 22, 23}) ::dup2(0, fd);
        int keep[] = {21, 23};
        close_fds_from(20, keep);
        bool ok = ::fcntl(20, F_GETFD) < 0 && ::fcntl(21, F_GETFD) >= 0 && ::fcntl(22, F_GETFD) < 0 &&
                  ::fcntl(23, F_GETFD) >= 0 && ::fcntl(0, F_GETFD) >= 0;
        return ok ? 0 : 1;
    });
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
