// The Maildir++ quota file as pop3d judges and appends to it (pop3d/maildir_quota).
// The input is the file; the removal's numbers come from a hash of it.
// Invariants:
//  - the verdict is a reference reading's: 5120 bytes or more is too large;
//    else a first line of one or more digits-then-S-or-C, joined by commas, and
//    a final newline make it appendable;
//  - on a real file, record_removal appends exactly "-B -C\n" to an appendable
//    file and changes nothing else, byte for byte; an appended file keeps its
//    quota line and stays appendable until it reaches 5120 bytes.
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "check.hpp"
#include "fd.hpp"
#include "pop3d/maildir_quota.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {

// Written apart from the code under test: a character-by-character automaton.
QuotaFileState reference_judge(std::string_view file) {
    if (file.size() >= maildirsize_limit) return QuotaFileState::too_large;
    enum { member_start, digits, letter } state = member_start;
    size_t i = 0;
    for (; i < file.size() && file[i] != '\n'; ++i) {
        char c = file[i];
        bool digit = c >= '0' && c <= '9';
        if (state == member_start && digit) state = digits;
        else if (state == digits && digit) state = digits;
        else if (state == digits && (c == 'S' || c == 'C')) state = letter;
        else if (state == letter && c == ',') state = member_start;
        else return QuotaFileState::no_quota_line;
    }
    if (state != letter) return QuotaFileState::no_quota_line;
    return file.back() == '\n' ? QuotaFileState::appendable : QuotaFileState::unterminated;
}

std::string read_file(int dir, const char* name) {
    Fd fd(::openat(dir, name, O_RDONLY));
    FUZZ_CHECK(fd.valid());
    std::string all;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd.get(), buffer, sizeof buffer)) > 0;) all.append(buffer, size_t(n));
    return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view file = fuzz::as_text(bytes, size);
    if (file.size() > 2 * maildirsize_limit) return 0;
    fuzz::SplitSource numbers(file);
    const uint64_t removed_bytes = numbers.next(1u << 30) - 1, removed_count = numbers.next(100000);

    QuotaFileState verdict = judge_maildirsize(file.substr(0, maildirsize_limit), file.size() >= maildirsize_limit);
    FUZZ_CHECK(verdict == reference_judge(file));

    static Fd dir(::open(fuzz::scratch_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    FUZZ_CHECK(dir.valid());
    {
        Fd out(::openat(dir.get(), maildirsize_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        FUZZ_CHECK(out.valid() && ::write(out.get(), file.data(), file.size()) == ssize_t(file.size()));
    }
    QuotaRecord record = record_removal(dir.get(), removed_bytes, removed_count);
    std::string after = read_file(dir.get(), maildirsize_file);
    std::string line = removal_line(removed_bytes, removed_count);
    FUZZ_CHECK(line == "-" + std::to_string(removed_bytes) + " -" + std::to_string(removed_count) + "\n");
    if (verdict == QuotaFileState::appendable) {
        FUZZ_CHECK(record.outcome == QuotaOutcome::recorded);
        FUZZ_CHECK(after == std::string(file) + line);
        QuotaFileState again = reference_judge(after);
        FUZZ_CHECK(again == (after.size() >= maildirsize_limit ? QuotaFileState::too_large : QuotaFileState::appendable));
    } else {
        FUZZ_CHECK(record.outcome == QuotaOutcome::not_recorded);
        FUZZ_CHECK(after == file);
    }
    FUZZ_CHECK(::unlinkat(dir.get(), maildirsize_file, 0) == 0);
    return 0;
}
