// postern-passwd [-a] [-u UID -g GID -d HOME] FILE USER
// postern-passwd -r FILE USER
//
// Adds or changes a user's entry in postern-checkpass's password file, or
// removes it. The password comes from the terminal (asked twice, without
// echo) or as one line on standard input. The file is rewritten atomically
// and keeps its mode and owner; a new file is created with mode 0600.
#include <termios.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>

#include "atomic_rewrite.hpp"
#include "crypt_hash.hpp"
#include "decimal.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "password_file.hpp"
#include "password_file_edit.hpp"
#include "secret.hpp"
#include "system_failure.hpp"
#include "version.hpp"

using namespace postern;
using namespace postern::checkpass;

namespace {

constexpr size_t max_password = 255;
using Password = SecretBuffer<max_password + 2>;

int usage(const char* why) {
    log_event("usage")
        .kv("problem", why)
        .kv("expected", "postern-passwd [-a] [-u UID -g GID -d HOME] FILE USER | postern-passwd -r FILE USER");
    return exit_usage;
}

int system_failure(const std::string& file, const SystemFailure& failure) {
    log_event("failed").kv("file", file).failure(failure);
    return exit_temporary;
}

// One line from fd 0, without its end; false at end of file, on a read error
// or when the line is too long.
bool read_line(Password& password) {
    password.wipe();
    for (;;) {
        char c;
        ssize_t n = ::read(0, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return !password.empty();
        if (c == '\n') break;
        if (!password.append(c)) return false;
    }
    if (password.view().ends_with('\r')) password.truncate(password.size() - 1);
    return password.size() <= max_password;
}

// With echo off while the user types.
bool prompt(const char* question, Password& password) {
    std::fputs(question, stderr);
    std::fflush(stderr);
    termios saved{};
    bool terminal = ::tcgetattr(0, &saved) == 0;
    if (terminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(0, TCSAFLUSH, &quiet);
    }
    bool got = read_line(password);
    if (terminal) {
        ::tcsetattr(0, TCSAFLUSH, &saved);
        std::fputs("\n", stderr);
    }
    return got;
}

// From the terminal: twice, and both must agree. Otherwise one line.
const char* read_new_password(Password& password) {
    if (!::isatty(0)) return read_line(password) ? nullptr : "no password on standard input, or longer than 255 bytes";
    Password again;
    if (!prompt("New password: ", password) || !prompt("Retype new password: ", again)) return "no password";
    if (password.view() != again.view()) return "the passwords do not match";
    return nullptr;
}

const char* check_password(std::string_view password, bool apop) {
    if (password.empty()) return "empty password";
    if (!valid_field(password)) return "control characters in the password";
    if (apop && password.find(':') != std::string_view::npos) return "an APOP secret cannot contain ':'";
    return nullptr;
}

bool valid_home(std::string_view home) {
    return home.starts_with('/') && valid_field(home) && home.find(':') == std::string_view::npos;
}

// The lines no program takes for entries, as postern-checkpass reports them.
void report_bad_lines(const std::string& path, const EditResult& result) {
    for (const BadLine& bad : result.bad_lines)
        log_event("password-file-bad-line").kv("file", path).kv("line", bad.number).kv("reason", line_problem(bad.kind));
}

struct Options {
    bool apop = false, remove = false;
    const char* uid = nullptr;
    const char* gid = nullptr;
    const char* home = nullptr;
};


}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-passwd");
    if (version_asked(argc, argv)) return print_version("postern-passwd");
    Options options;
    int option;
    while ((option = ::getopt(argc, argv, "aru:g:d:")) != -1) {
        switch (option) {
            case 'a': options.apop = true; break;
            case 'r': options.remove = true; break;
            case 'u': options.uid = optarg; break;
            case 'g': options.gid = optarg; break;
            case 'd': options.home = optarg; break;
            default: return usage("unknown option");
        }
    }
    if (argc - optind != 2) return usage("FILE and USER are needed");
    std::string path = argv[optind], user = argv[optind + 1];
    if (!valid_entry_name(user))
        return usage("a user name is printable, without spaces or ':', and does not start with '#'");

    PasswordEdit edit;
    edit.name = user;
    edit.remove = options.remove;
    bool any_mapping = options.uid || options.gid || options.home;
    if (any_mapping) {
        if (!options.uid || !options.gid || !options.home) return usage("-u, -g and -d go together");
        if (!parse_id(options.uid, edit.uid) || !parse_id(options.gid, edit.gid)) return usage("bad uid or gid");
        if (!valid_home(options.home)) return usage("HOME is an absolute path without ':'");
        edit.set_mapping = true;
        edit.home = options.home;
    }
    if (options.remove && (options.apop || any_mapping)) return usage("-r takes no other option");

    if (!options.remove) {
        Password password;
        if (const char* problem = read_new_password(password)) return usage(problem);
        if (const char* problem = check_password(password.view(), options.apop)) return usage(problem);
        auto hash = make_password_hash(password.view());
        if (!hash) return system_failure(path, failure_at("crypt"));
        edit.hash = std::move(*hash);
        if (options.apop) edit.apop_secret = password.view();
    }

    LockedFile file;
    if (SystemFailure failed = lock_file(path, file)) return system_failure(path, failed);
    std::string old_text;
    if (SystemFailure failed = read_locked_file(file, old_text, max_password_file)) return system_failure(path, failed);
    EditResult result = apply_password_edit(old_text, edit);
    wipe_string(old_text);
    report_bad_lines(path, result);
    if (result.unreadable_line) return usage("the entry would not read back: its line is over the 4096 bytes postern-checkpass reads");
    if (options.remove && !result.found) {
        log_event("no-such-user").kv("file", path).kv("user", user);
        return exit_refused;
    }
    if (SystemFailure failed = replace_locked_file(file, result.text)) return system_failure(path, failed);
    if (result.duplicates)
        log_event("duplicates-removed").kv("file", path).kv("user", user).kv("count", result.duplicates);
    log_event(options.remove ? "removed" : result.found ? "changed" : "added").kv("file", path).kv("user", user);
    return exit_ok;
}
