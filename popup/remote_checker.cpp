#include "remote_checker.hpp"

#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

#include "log.hpp"
#include "login_record.hpp"

namespace postern::popup {

namespace {
bool send_record(int fd, std::string_view record) {
    ssize_t n;
    do n = ::send(fd, record.data(), record.size(), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == ssize_t(record.size());
}

// The parent's answer; anything else makes the check unavailable, and a
// parent that is gone may have left a session running on the connection.
Verdict receive_verdict(int fd) {
    char byte = 0;
    ssize_t n;
    do n = ::recv(fd, &byte, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n == 0) {
        log_event("parent-gone");
        return Verdict::judge_gone;
    }
    if (n != 1) return Verdict::unavailable;
    for (Verdict v : {Verdict::session_ran, Verdict::refused, Verdict::refused_last, Verdict::unavailable})
        if (byte == char(v)) return v;
    return Verdict::unavailable;
}
}  // namespace

Verdict RemoteChecker::ask(int kind, const LoginRequest& request) {
    LoginRecord record;
    if (!encode_login_record(record, RecordKind(kind), request, tls_) || !send_record(records_, record.view())) {
        log_event("parent-unreachable").err(errno);
        return Verdict::unavailable;
    }
    record.wipe();
    return receive_verdict(records_);
}

Verdict RemoteChecker::check(const LoginRequest& request, const UcspiTls*) {
    return ask(char(RecordKind::check), request);
}

Verdict RemoteChecker::refuse(const LoginRequest& request) { return ask(char(RecordKind::refuse), request); }

void RemoteChecker::tls_running(UcspiTls& tls) {
    tls_ = true;
    LoginRecord record;
    if (encode_login_record(record, RecordKind::tls_running, {}, true)) send_record(records_, record.view());
    ::close(tls.control);
    tls.control = -1;
}

}  // namespace postern::popup
