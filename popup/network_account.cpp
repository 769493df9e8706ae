#include "network_account.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "decimal.hpp"
#include "log.hpp"
#include "regular_file.hpp"

namespace postern::popup {

namespace {
constexpr size_t max_passwd_file = 4 * 1024 * 1024;

std::optional<std::string> read_passwd_file() {
    RegularFile file = open_regular_file(AT_FDCWD, "/etc/passwd");
    if (!file || file.size() > max_passwd_file) return std::nullopt;
    std::string text(size_t(file.size()), '\0');
    size_t got = 0;
    while (got < text.size()) {
        ssize_t n = ::read(file.fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += size_t(n);
    }
    text.resize(got);
    return text;
}

// The i-th ':'-separated field of a line.
std::string_view field(std::string_view line, int i) {
    for (; i > 0; --i) {
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return {};
        line.remove_prefix(colon + 1);
    }
    return line.substr(0, line.find(':'));
}

std::nullopt_t unusable(const char* reason, std::string_view value) {
    log_event("privsep-failed").kv("reason", reason).kv("value", value);
    return std::nullopt;
}

// What is wrong with the chroot folder, if anything. It must be a directory
// only root can change: anyone else could put a world in it.
const char* root_folder_problem(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "no-root-folder";
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return "unsafe-root";
    return nullptr;
}
}  // namespace

std::optional<NetworkAccount> passwd_entry(std::string_view text, std::string_view name) {
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (field(line, 0) != name) continue;
        NetworkAccount account;
        if (!parse_id(field(line, 2), account.uid) || !parse_id(field(line, 3), account.gid)) return std::nullopt;
        return account;
    }
    return std::nullopt;
}

std::optional<NetworkAccount> find_network_account(const Settings& settings) {
    auto text = read_passwd_file();
    if (!text) return unusable("passwd-unreadable", "/etc/passwd");
    auto account = passwd_entry(*text, settings.popup_user);
    if (!account) return unusable("no-such-user", settings.popup_user);
    if (account->uid == 0 || account->gid == 0) return unusable("root-account", settings.popup_user);
    if (auto problem = root_folder_problem(settings.popup_root)) return unusable(problem, settings.popup_root);
    account->root = settings.popup_root;
    return account;
}

}  // namespace postern::popup
