// postern-checkpass PROG [ARGS...]: a checkpassword-interface authenticator.
// Reads "user NUL password NUL timestamp NUL" from fd 3, checks it against
// the mail password file and the system's users, becomes the user and execs
// PROG. Exit 1: refused; 2: misuse; 111: temporary failure. Each failure has
// one named path below, which logs one line (never the password).
#include <unistd.h>

#include "apop.hpp"
#include "become_user.hpp"
#include "crypt_hash.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "password_file_lookup.hpp"
#include "remote_address.hpp"
#include "request.hpp"
#include "settings.hpp"
#include "system_account.hpp"
#include "system_failure.hpp"
#include "version.hpp"

using namespace postern;
using namespace postern::checkpass;

namespace {

constexpr int input_timeout_seconds = 60;

const std::string& remote() {
    static const std::string address = remote_address();
    return address;
}

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

// Why a login could not be checked: the system call that failed or, where
// none did, the step that could not be done and why (no errno to report).
struct Failure {
    SystemFailure call;
    const char* step = nullptr;
    const char* reason = nullptr;
};

Failure failed_check(const char* step, const char* reason) { return {{}, step, reason}; }

// Not root: an account whose lock, expiry or hash is in shadow cannot be
// checked, which is no reason to let it in or to call it locked.
Failure shadow_unreadable() { return failed_check("getspnam", "shadow-unreadable"); }

int temporary_failure(std::string_view user, const Failure& failure) {
    LogLine line = log_event("temporary-failure");
    line.kv("user", user).kv("remote", remote());
    if (failure.call) line.failure(failure.call);
    else line.kv("step", failure.step).kv("reason", failure.reason);
    return exit_temporary;
}

enum class Found { yes, no, duplicate, failed, not_in_file };

// A password-file entry becomes an account: its own uid, gid and home, or
// those of the system user with its name, who stays subject to that
// account's lock and expiry.
Found account_from_entry(const Settings& settings, PasswordEntry& entry, Account& account, Failure& failure) {
    if (!entry.mapped) {
        SystemLookup looked = find_system_identity(entry.name, account);
        if (looked == SystemLookup::failed) {
            failure.call = failure_at("getpwnam");
            return Found::failed;
        }
        if (looked == SystemLookup::not_found) return Found::no;
        SystemLookup lock = settings.system_lock ? find_system_lock(account) : SystemLookup::found;
        if (lock == SystemLookup::shadow_unreadable) {
            failure = shadow_unreadable();
            return Found::failed;
        }
        if (lock != SystemLookup::found) {
            failure.call = failure_at("getspnam");
            return Found::failed;
        }
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

Found find_in_file(const Settings& settings, std::string_view user, Account& account, Failure& failure) {
    PasswordEntry entry;
    FileLookupResult looked = find_in_password_file(settings.password_file, user, entry);
    switch (looked.status) {
        case FileLookup::found: return account_from_entry(settings, entry, account, failure);
        case FileLookup::not_found: return Found::not_in_file;
        case FileLookup::duplicate: return Found::duplicate;
        case FileLookup::unreadable: failure.call = {"password-file", looked.error}; break;
        case FileLookup::insecure: failure = failed_check("password-file", "insecure"); break;
        case FileLookup::too_large: failure = failed_check("password-file", "too-large"); break;
    }
    return Found::failed;
}

// The password file first, when there is one; then the system's users.
Found find_account(const Settings& settings, std::string_view user, Account& account, Failure& failure) {
    if (!settings.password_file.empty()) {
        Found in_file = find_in_file(settings, user, account, failure);
        if (in_file != Found::not_in_file) return in_file;
    }
    if (!settings.system_users) return Found::no;
    switch (find_system_account(user, account)) {
        case SystemLookup::found: return Found::yes;
        case SystemLookup::not_found: return Found::no;
        case SystemLookup::failed: failure.call = failure_at("getpwnam/getspnam"); return Found::failed;
        case SystemLookup::shadow_unreadable: failure = shadow_unreadable(); return Found::failed;
    }
    return Found::failed;
}

enum class Verdict { password, apop, locked, empty_password, wrong, crypt_failed };

struct Checked {
    Verdict verdict;
    int error = 0;  // for crypt_failed: crypt's errno and the scheme it was asked for
    std::string scheme;
};

// crypt's errno goes with the scheme it was asked for: libxcrypt's EINVAL
// means an unknown scheme or a yescrypt short of memory.
int crypt_failed(std::string_view user, const Checked& checked) {
    LogLine line = log_event("temporary-failure");
    line.kv("user", user).kv("remote", remote()).kv("step", "crypt");
    if (!checked.scheme.empty()) line.kv("scheme", checked.scheme);
    line.err(checked.error);
    return exit_temporary;
}

// A stand-in check whose crypt could not run fails the same way as a real
// one: under a memory limit, an unknown user is not told [AUTH] while a
// known one is told [SYS/TEMP].
Checked burned(Verdict verdict, std::string_view password) {
    PasswordCheck burn = burn_password_check(password);
    if (burn.result == PasswordCheck::crypt_failed) return {Verdict::crypt_failed, burn.error, burn.scheme};
    return {verdict};
}

// qmail-popup sends its timestamp with every login, so a timestamp alone
// does not mean APOP: the digest is tried first when it can be one.
Checked check_credentials(const Account& account, const Request& request) {
    if (verify_apop(request.password, request.timestamp, account.apop_secret)) return {Verdict::apop};
    if (is_locked_hash(account.hash)) return burned(Verdict::locked, request.password);
    if (request.password.empty()) return burned(Verdict::empty_password, request.password);
    PasswordCheck check = verify_password(request.password, account.hash);
    switch (check.result) {
        case PasswordCheck::match: return {Verdict::password};
        case PasswordCheck::mismatch: return {Verdict::wrong};
        case PasswordCheck::crypt_failed: break;
    }
    return {Verdict::crypt_failed, check.error, check.scheme};
}

// Who may log in at all, checked only after the password was right so that
// a refusal takes the same time whatever its reason.
const char* identity_refusal(const Settings& settings, const Account& account) {
    if (account.locked) return "locked";
    if (account.expired) return "expired";
    if (account.password_expired) return "password-expired";
    if (account.uid == 0) return settings.allow_root ? nullptr : "root";
    if (account.uid < settings.min_uid) return "uid-below-minimum";
    // Without root, no identity change: only the user checkpass runs as.
    if (::geteuid() != 0 && account.uid != ::geteuid()) return "other-user";
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-checkpass");
    if (version_asked(argc, argv)) return print_version("postern-checkpass");
    if (argc < 2 || !*argv[1]) return usage();
    Settings settings;
    if (!read_settings(settings)) return temporary_failure("", failed_check("settings", "bad-setting"));

    InputBuffer input;
    InputStatus status = read_checkpassword_input(3, input, Deadline::after_seconds(input_timeout_seconds));
    if (status == InputStatus::timeout) return malformed_input("timeout");
    if (status == InputStatus::error) return malformed_input("unreadable");
    Request request;
    if (!parse_request(input.view(), request)) return malformed_input("fields");
    std::string user(request.user);

    Account account;
    Failure failure;
    Found found = request.user.empty() ? Found::no : find_account(settings, request.user, account, failure);
    if (found == Found::failed) return temporary_failure(user, failure);
    if (found == Found::no || found == Found::duplicate) {
        Checked burn = burned(Verdict::wrong, request.password);
        if (burn.verdict == Verdict::crypt_failed) return crypt_failed(user, burn);
        return refuse(user, found == Found::no ? "unknown-user" : "duplicate-entry");
    }
    Checked checked = check_credentials(account, request);
    input.wipe();
    if (checked.verdict == Verdict::crypt_failed) return crypt_failed(user, checked);
    if (checked.verdict == Verdict::locked) return refuse(user, "locked");
    if (checked.verdict == Verdict::empty_password) return refuse(user, "empty-password");
    if (checked.verdict == Verdict::wrong) return refuse(user, "bad-password");
    if (const char* reason = identity_refusal(settings, account)) return refuse(user, reason);

    if (SystemFailure failed = become_user(account)) return temporary_failure(user, {failed});
    log_event("login-ok")
        .kv("user", account.name)
        .kv("remote", remote())
        .kv("uid", (unsigned long long)account.uid)
        .kv("source", account.source)
        .kv("method", checked.verdict == Verdict::apop ? "apop" : "password");
    wipe_string(account.hash);
    wipe_string(account.apop_secret);
    ::execvp(argv[1], argv + 1);
    return temporary_failure(user, {failure_at("exec")});
}
