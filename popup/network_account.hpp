// Who the network child runs as, and where: POSTERN_POPUP_USER (default
// nobody; a dedicated account is better; the Debian package's postern-net),
// looked up in /etc/passwd (popup is linked statically and uses no NSS),
// chrooted into POSTERN_POPUP_ROOT (default /var/empty; the package's
// /var/lib/postern/empty), an empty directory only root may write.
#pragma once
#include <sys/types.h>
#include <optional>
#include <string>

#include "settings.hpp"

namespace postern::popup {

struct NetworkAccount {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string root;
};

// The account and directory the settings name, checked; nullopt, logged
// as privsep-failed with a reason, otherwise (no such user, a root account,
// a directory someone but root may write).
std::optional<NetworkAccount> find_network_account(const Settings& settings);

// The account's entry in passwd-format `text`: "name:pw:uid:gid:...".
std::optional<NetworkAccount> passwd_entry(std::string_view text, std::string_view name);

}  // namespace postern::popup
