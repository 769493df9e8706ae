#include "checkpassword.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>

#include "exit_code.hpp"
#include "fd.hpp"
#include "log.hpp"
#include "system_failure.hpp"

namespace postern::popup {

bool build_checkpassword_input(CheckpasswordInput& input, std::string_view user, std::string_view password,
                               std::string_view timestamp) {
    input.wipe();
    for (std::string_view field : {user, password, timestamp})
        if (!input.append(field) || !input.append('\0')) return false;
    return true;
}

namespace {
// popup's own stderr, kept (close-on-exec) for this one line: the session's
// log pipe passes on no line in postern-popup's name.
int popup_log = 2;

[[noreturn]] void exec_failed(const char* program, const SystemFailure& failure) {
    if (popup_log != 2) ::dup2(popup_log, 2);
    log_event("exec-failed").kv("program", program).failure(failure);
    ::_exit(exit_temporary);
}

// In the child: fds 0 and 1 become the client's (the TLS pipes once TLS
// runs), 2 the session's log pipe when there is one, 3 the input; nothing
// else survives exec, so no descriptor a listener, a TLS server or popup
// left open reaches the mail user. SIGPIPE goes back to its default
// (ignored signals stay ignored across exec), then PROG runs.
[[noreturn]] void exec_child(char* const* argv, int pipe_read, const UcspiTls* tls, int log_write) {
    ::signal(SIGPIPE, SIG_DFL);
    if (log_write >= 0) popup_log = ::fcntl(2, F_DUPFD_CLOEXEC, 4);
    // The write side first: fd 0 may be the same socket as fd 1.
    if (tls && tls->active && tls->read != 0 && (!move_fd(tls->write, 1) || !move_fd(tls->read, 0)))
        exec_failed(argv[0], failure_at("tls-fds"));
    if (log_write >= 0 && !move_fd(log_write, 2)) exec_failed(argv[0], failure_at("fd2"));
    if (!move_fd(pipe_read, 3)) exec_failed(argv[0], failure_at("fd3"));
    int keep[] = {popup_log};
    close_fds_from(4, keep);
    ::execvp(argv[0], argv);
    exec_failed(argv[0], failure_at("exec"));
}

// The input is at most 512 bytes, less than PIPE_BUF: one write, never blocking.
void send_input(Fd pipe_write, std::string_view input) {
    ssize_t n;
    do n = ::write(pipe_write.get(), input.data(), input.size());
    while (n < 0 && errno == EINTR);
}
}  // namespace

namespace {
// The session's stderr, passed on line by line until every holder has closed it.
void relay_session_log(Fd log_read, LogRelay& relay) {
    while (relay.relay_from(log_read.get())) {
    }
    relay.finish();
}
}  // namespace

ChildStatus run_checkpassword(char* const* argv, std::string_view input, const UcspiTls* tls, LogRelay* log) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return {ChildStatus::Kind::not_started, errno};
    Fd pipe_read(ends[0]), pipe_write(ends[1]);
    Fd log_read, log_write;
    if (log) {
        if (::pipe2(ends, O_CLOEXEC) != 0) return {ChildStatus::Kind::not_started, errno};
        log_read.reset(ends[0]);
        log_write.reset(ends[1]);
    }
    pid_t pid = ::fork();
    if (pid < 0) return {ChildStatus::Kind::not_started, errno};
    if (pid == 0) exec_child(argv, pipe_read.get(), tls, log_write.get());
    pipe_read.reset();
    log_write.reset();
    send_input(std::move(pipe_write), input);  // a child that does not read gets EOF, we get EPIPE
    if (log) relay_session_log(std::move(log_read), *log);

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return {ChildStatus::Kind::not_started, errno};
    if (WIFSIGNALED(status)) return {ChildStatus::Kind::signaled, WTERMSIG(status)};
    return {ChildStatus::Kind::exited, WEXITSTATUS(status)};
}

}  // namespace postern::popup
