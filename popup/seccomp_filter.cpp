#include "seccomp_filter.hpp"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <cerrno>
#include <cstddef>
#include <vector>

namespace postern::popup {

namespace {
#if defined(__x86_64__)
constexpr unsigned audit_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned audit_arch = AUDIT_ARCH_AARCH64;
#else
#error "postern-popup's seccomp filter knows x86_64 and aarch64"
#endif

constexpr long allowed[] = {
    SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_recvfrom, SYS_sendto, SYS_recvmsg, SYS_sendmsg,
    SYS_ppoll, SYS_clock_gettime, SYS_clock_nanosleep, SYS_nanosleep, SYS_close, SYS_dup, SYS_dup3,
    SYS_fcntl, SYS_fstat, SYS_newfstatat, SYS_brk, SYS_munmap, SYS_mremap, SYS_madvise, SYS_futex,
    SYS_rt_sigreturn, SYS_rt_sigprocmask, SYS_restart_syscall, SYS_exit, SYS_exit_group,
#ifdef SYS_poll
    SYS_poll,
#endif
#ifdef SYS_dup2
    SYS_dup2,
#endif
};

sock_filter statement(unsigned short code, unsigned k) { return {code, 0, 0, k}; }
sock_filter jump_if(unsigned short code, unsigned k, unsigned char if_true, unsigned char if_false) {
    return {code, if_true, if_false, k};
}

constexpr unsigned kill = SECCOMP_RET_KILL_PROCESS;
constexpr unsigned allow = SECCOMP_RET_ALLOW;

std::vector<sock_filter> network_program() {
    std::vector<sock_filter> p;
    p.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    p.push_back(jump_if(BPF_JMP | BPF_JEQ | BPF_K, audit_arch, 1, 0));
    p.push_back(statement(BPF_RET | BPF_K, kill));
    p.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
#if defined(__x86_64__)
    p.push_back(jump_if(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));  // the x32 ABI's numbers
    p.push_back(statement(BPF_RET | BPF_K, kill));
#endif
    for (long call : allowed) {
        p.push_back(jump_if(BPF_JMP | BPF_JEQ | BPF_K, unsigned(call), 0, 1));
        p.push_back(statement(BPF_RET | BPF_K, allow));
    }
    // mmap, for malloc, but never executable: the low word of its prot
    // argument (both architectures are little-endian).
    p.push_back(jump_if(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 4));
    p.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[2])));
    p.push_back(jump_if(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1));
    p.push_back(statement(BPF_RET | BPF_K, kill));
    p.push_back(statement(BPF_RET | BPF_K, allow));
    p.push_back(statement(BPF_RET | BPF_K, kill));
    return p;
}
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitizer_build = true;
#else
constexpr bool sanitizer_build = false;
#endif

FilterResult install_network_filter() {
    if (sanitizer_build) return FilterResult::skipped;
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return FilterResult::failed;
    std::vector<sock_filter> program = network_program();
    sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0) return FilterResult::installed;
    return errno == EINVAL ? FilterResult::unsupported : FilterResult::failed;
}

}  // namespace postern::popup
