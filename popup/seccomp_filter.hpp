// The network child's system calls, as a seccomp filter written with the
// kernel's own headers: what the AUTHORIZATION dialogue needs (reading and
// writing the descriptors it has, poll, the clock, memory, moving the TLS
// descriptors onto 0 and 1, exit) and nothing else. Any other call kills the
// process (SIGSYS); so does mapping executable memory.
#pragma once

namespace postern::popup {

enum class FilterResult { installed, unsupported, skipped, failed };

// Sets no_new_privs and installs the filter. `unsupported` on a kernel
// without seccomp; `skipped` in a sanitizer build, whose run-time needs
// calls the filter forbids; `failed` (errno set) otherwise.
FilterResult install_network_filter();

}  // namespace postern::popup
