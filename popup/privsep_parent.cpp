#include "privsep_parent.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>

#include "deadline.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "login_record.hpp"

namespace postern::popup {

namespace {
// The child has its own time limits; this one only bounds a child that has
// stopped keeping them.
constexpr int grace_seconds = 60;

class Parent {
public:
    Parent(NetworkChild& child, LoginJudge& judge, std::optional<UcspiTls>& tls, std::string_view apop_timestamp,
           int auth_timeout_seconds)
        : child_(child), judge_(judge), tls_(tls), apop_timestamp_(apop_timestamp),
          limit_seconds_(auth_timeout_seconds + grace_seconds) {}

    int run() {
        Deadline deadline = Deadline::after_seconds(limit_seconds_);
        while (!ended_) {
            pollfd fds[2] = {{child_.records.get(), POLLIN, 0}, {child_.log.get(), POLLIN, 0}};
            int n = ::poll(fds, 2, deadline.poll_ms());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return misbehaved("timeout");
            if (fds[1].revents && !net_log_.relay_from(child_.log.get())) child_.log.reset();
            if (fds[0].revents && !read_record()) break;
            if (judged_) deadline = Deadline::after_seconds(limit_seconds_);  // a check's time is not the child's
            judged_ = false;
        }
        return finish();
    }

private:
    // False once the child has closed its end (it is ending).
    bool read_record() {
        LoginRecord buffer;
        char raw[max_login_record + 1];
        ssize_t n;
        do n = ::recv(child_.records.get(), raw, sizeof raw, MSG_TRUNC);
        while (n < 0 && errno == EINTR);
        if (n == 0) return false;
        bool fits = n > 0 && size_t(n) <= max_login_record && buffer.assign(std::string_view(raw, size_t(n)));
        wipe_memory(raw, sizeof raw);
        if (!fits) return misbehaved("bad-record"), false;
        auto record = decode_login_record(buffer.view(), apop_timestamp_);
        if (!record) return misbehaved("bad-record"), false;
        if (record->kind == RecordKind::tls_running) return tls_running();
        if (record->tls != tls_active()) return misbehaved("bad-record"), false;
        record->request.started_ms = monotonic_ms();
        judged_ = true;
        return answer(record->kind == RecordKind::check ? judge_.check(record->request, tls_ ? &*tls_ : nullptr)
                                                        : judge_.refuse(record->request));
    }

    bool tls_active() const { return tls_ && tls_->active; }

    bool tls_running() {
        if (!tls_ || tls_->active) return misbehaved("bad-record"), false;
        tls_->active = true;  // its read and write descriptors go to the checkpassword program
        judge_.tls_running(*tls_);
        return true;
    }

    bool answer(Verdict verdict) {
        char byte = char(verdict);
        ssize_t n;
        do n = ::send(child_.records.get(), &byte, 1, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (verdict == Verdict::session_ran) decided_ = exit_ok;
        if (verdict == Verdict::refused_last) decided_ = exit_refused;
        if (verdict == Verdict::unavailable) decided_ = exit_temporary;
        return true;
    }

    // The child broke the protocol or its time: it goes, and nothing it sent counts.
    int misbehaved(const char* reason) {
        log_event("network-child-killed").kv("reason", reason);
        ::kill(child_.pid, SIGKILL);
        decided_ = exit_temporary;
        ended_ = true;
        return finish();
    }

    int finish() {
        if (finished_) return *decided_;
        finished_ = true;
        int status = 0;
        while (::waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
        }
        // The child is gone: what it logged last is all there.
        while (child_.log && net_log_.relay_from(child_.log.get())) {
        }
        net_log_.finish();
        if (WIFSIGNALED(status) && !decided_) {
            log_event("network-child-crashed").kv("signal", WTERMSIG(status));
            decided_ = exit_temporary;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == exit_not_confined) {
            if (!decided_) unavailable_before_greeting();
            decided_ = exit_temporary;
        }
        if (!decided_) decided_ = WIFEXITED(status) ? WEXITSTATUS(status) : exit_temporary;
        return *decided_;
    }

    // The child said nothing: the client still gets an answer.
    static void unavailable_before_greeting() {
        static constexpr char text[] = "-ERR [SYS/TEMP] service temporarily unavailable\r\n";
        (void)!::write(1, text, sizeof text - 1);
    }

    NetworkChild& child_;
    LoginJudge& judge_;
    std::optional<UcspiTls>& tls_;
    std::string_view apop_timestamp_;
    int limit_seconds_;
    LogRelay net_log_{"postern-popup-net", network_log_budget};
    std::optional<int> decided_;
    bool ended_ = false;
    bool judged_ = false;
    bool finished_ = false;
};
}  // namespace

int serve_network_child(NetworkChild& child, LoginJudge& judge, std::optional<UcspiTls>& tls,
                        std::string_view apop_timestamp, int auth_timeout_seconds) {
    return Parent(child, judge, tls, apop_timestamp, auth_timeout_seconds).run();
}

}  // namespace postern::popup
