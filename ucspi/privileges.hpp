// -u, -g and -U: the server gives up root right after binding, as tcpserver
// does, so everything it does with a client's bytes runs as that user.
#pragma once
#include <sys/types.h>

#include <string>

#include "options.hpp"
#include "system_failure.hpp"

namespace postern::ucspi {

struct Identity {
    bool set_uid = false, set_gid = false;  // neither: keep running as we are
    uid_t uid = 0;
    gid_t gid = 0;
    std::string error;    // non-empty: the options named no such user or group
};

Identity resolve_identity(const Options& options);

// setgroups to the gid alone, setgid, then with -u setuid, after which root
// cannot be regained (lib/drop_privileges.hpp). A failure is step "drop-privileges".
SystemFailure become(const Identity& identity);

}  // namespace postern::ucspi
