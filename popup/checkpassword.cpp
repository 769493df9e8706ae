#include "checkpassword.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>

#include "exit_code.hpp"
#include "fd.hpp"
#include "log.hpp"

namespace postern::popup {

bool build_checkpassword_input(CheckpasswordInput& input, std::string_view user, std::string_view password,
                               std::string_view timestamp) {
    input.wipe();
    for (std::string_view field : {user, password, timestamp})
        if (!input.append(field) || !input.append('\0')) return false;
    return true;
}

namespace {
// In the child: the pipe becomes fd 3, SIGPIPE goes back to its default
// (ignored signals stay ignored across exec), then PROG runs.
[[noreturn]] void exec_child(char* const* argv, int pipe_read, const UcspiTls* tls) {
    ::signal(SIGPIPE, SIG_DFL);
    if (tls) close_unused_tls(*tls);
    if (!move_fd(pipe_read, 3)) {
        log_event("exec-failed").kv("program", argv[0]).kv("at", "fd3").err(errno);
        ::_exit(exit_temporary);
    }
    ::execvp(argv[0], argv);
    log_event("exec-failed").kv("program", argv[0]).err(errno);
    ::_exit(exit_temporary);
}

// The input is at most 512 bytes, less than PIPE_BUF: one write, never blocking.
void send_input(Fd pipe_write, std::string_view input) {
    ssize_t n;
    do n = ::write(pipe_write.get(), input.data(), input.size());
    while (n < 0 && errno == EINTR);
}
}  // namespace

ChildStatus run_checkpassword(char* const* argv, std::string_view input, const UcspiTls* tls) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return {ChildStatus::Kind::not_started, errno};
    Fd pipe_read(ends[0]), pipe_write(ends[1]);
    pid_t pid = ::fork();
    if (pid < 0) return {ChildStatus::Kind::not_started, errno};
    if (pid == 0) exec_child(argv, pipe_read.get(), tls);
    pipe_read.reset();
    send_input(std::move(pipe_write), input);  // a child that does not read gets EOF, we get EPIPE

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return {ChildStatus::Kind::not_started, errno};
    if (WIFSIGNALED(status)) return {ChildStatus::Kind::signaled, WTERMSIG(status)};
    return {ChildStatus::Kind::exited, WEXITSTATUS(status)};
}

}  // namespace postern::popup
