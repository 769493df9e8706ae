// postern-checkpass PROG [ARGS...]: a checkpassword-interface authenticator.
// Reads "user NUL password NUL timestamp NUL" from fd 3, checks it against
// the mail password file and the system's users, becomes the user and execs
// PROG. Exit 1: refused; 2: misuse; 111: temporary failure. Each failure has
// one named path below, which logs one line (never the password).
#include <unistd.h>
#include <cerrno>

#include "apop.hpp"
#include "become_user.hpp"
#include "crypt_hash.hpp"
#include "env.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "password_file.hpp"
#include "request.hpp"
#include "settings.hpp"
#include "system_account.hpp"

using namespace postern;
using namespace postern::checkpass;

namespace {

constexpr int input_timeout_seconds = 60;

std::string_view remote() { return env_get("TCPREMOTEIP").value_or(""); }

int usage() {
    log_event("usage").kv("expected", "postern-checkpass PROG [ARGS...]");
    return exit_usage;
}

int malformed_input(const char* reason) {
    log_event("malformed-input").kv("reason", reason).kv("remote", remote());
    return exit_usage;
}

int refuse(std::string_view user, const char* reason) {
    log_event("login-refused").kv("user", user).kv("remote", remote()).kv("reason", reason);
    return exit_refused;
}

int temporary_failure(std::string_view user, const char* step, int error) {
    log_event("temporary-failure").kv("user", user).kv("remote", remote()).kv("step", step).err(error);
    return exit_temporary;
}

const char* step_name(BecomeStep step) {
    switch (step) {
        case BecomeStep::done: return "done";
        case BecomeStep::groups: return "setgroups";
        case BecomeStep::gid: return "setgid";
        case BecomeStep::uid: return "setuid";
        case BecomeStep::root_regained: return "root-regained";
        case BecomeStep::chdir: return "chdir";
        case BecomeStep::environment: return "environment";
    }
    return "unknown";
}

enum class Found { yes, no, failed };

// A password-file entry becomes an account: its own uid, gid and home, or
// those of the system user with its name.
Found account_from_entry(PasswordEntry& entry, Account& account) {
    if (!entry.mapped) {
        SystemLookup looked = find_system_identity(entry.name, account);
        if (looked == SystemLookup::not_found) return Found::no;
        if (looked == SystemLookup::failed) return Found::failed;
    } else {
        account.name = entry.name;
        account.uid = entry.uid;
        account.gid = entry.gid;
        account.home = entry.home;
        fill_shell_from_uid(account);
        account.system_groups = false;
    }
    account.hash = std::move(entry.hash);
    account.apop_secret = std::move(entry.apop_secret);
    account.source = "passwd-file";
    return Found::yes;
}

// The password file first, when there is one; then the system's users.
Found find_account(const Settings& settings, std::string_view user, Account& account, const char*& failed_step) {
    if (!settings.password_file.empty()) {
        PasswordEntry entry;
        switch (find_in_password_file(settings.password_file, user, entry)) {
            case FileLookup::found: {
                Found found = account_from_entry(entry, account);
                if (found == Found::failed) failed_step = "getpwnam";
                return found;
            }
            case FileLookup::not_found: break;
            case FileLookup::unreadable:
            case FileLookup::insecure: failed_step = "password-file"; return Found::failed;
        }
    }
    if (!settings.system_users) return Found::no;
    switch (find_system_account(user, account)) {
        case SystemLookup::found: return Found::yes;
        case SystemLookup::not_found: return Found::no;
        case SystemLookup::failed: failed_step = "getpwnam/getspnam"; return Found::failed;
    }
    return Found::failed;
}

enum class Verdict { password, apop, locked, empty_password, wrong };

// qmail-popup sends its timestamp with every login, so a timestamp alone
// does not mean APOP: the digest is tried first when it can be one.
Verdict check_credentials(const Account& account, const Request& request) {
    if (verify_apop(request.password, request.timestamp, account.apop_secret)) return Verdict::apop;
    if (is_locked_hash(account.hash)) {
        burn_password_check(request.password);
        return Verdict::locked;
    }
    if (request.password.empty()) {
        burn_password_check(request.password);
        return Verdict::empty_password;
    }
    return verify_password(request.password, account.hash) ? Verdict::password : Verdict::wrong;
}

// Who may log in at all, checked only after the password was right so that
// a refusal takes the same time whatever its reason.
const char* identity_refusal(const Settings& settings, const Account& account) {
    if (account.expired) return "expired";
    if (account.uid == 0) return settings.allow_root ? nullptr : "root";
    if (account.uid < settings.min_uid) return "uid-below-minimum";
    // Without root, no identity change: only the user checkpass runs as.
    if (::geteuid() != 0 && account.uid != ::geteuid()) return "other-user";
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-checkpass");
    if (argc < 2 || !*argv[1]) return usage();
    Settings settings;
    if (!read_settings(settings)) return temporary_failure("", "settings", EINVAL);

    InputBuffer input;
    InputStatus status = read_checkpassword_input(3, input, Deadline::after_seconds(input_timeout_seconds));
    if (status == InputStatus::timeout) return malformed_input("timeout");
    if (status == InputStatus::error) return malformed_input("unreadable");
    Request request;
    if (!parse_request(input.view(), request)) return malformed_input("fields");
    std::string user(request.user);

    Account account;
    const char* failed_step = "lookup";
    Found found = request.user.empty() ? Found::no : find_account(settings, request.user, account, failed_step);
    if (found == Found::failed) return temporary_failure(user, failed_step, errno);
    if (found == Found::no) {
        burn_password_check(request.password);
        return refuse(user, "unknown-user");
    }
    Verdict verdict = check_credentials(account, request);
    input.wipe();
    if (verdict == Verdict::locked) return refuse(user, "locked");
    if (verdict == Verdict::empty_password) return refuse(user, "empty-password");
    if (verdict == Verdict::wrong) return refuse(user, "bad-password");
    if (const char* reason = identity_refusal(settings, account)) return refuse(user, reason);

    BecomeResult became = become_user(account);
    if (became.step != BecomeStep::done) return temporary_failure(user, step_name(became.step), became.error);
    log_event("login-ok")
        .kv("user", account.name)
        .kv("remote", remote())
        .kv("uid", (unsigned long long)account.uid)
        .kv("source", account.source)
        .kv("method", verdict == Verdict::apop ? "apop" : "password");
    wipe_string(account.hash);
    wipe_string(account.apop_secret);
    ::execvp(argv[1], argv + 1);
    return temporary_failure(user, "exec", errno);
}
