// Maildir++ quota (Courier's README.maildirquota): where a Maildir has a
// `maildirsize`, its first line is the quota ("NNNS,NNNC") and every further
// line "bytes count", added up by the programs that enforce it. A program that
// removes messages appends one line with both negative, in one O_APPEND write.
// pop3d only ever appends to a file that exists; it never creates, rewrites or
// recalculates one (a recalculation counts every folder of the Maildir++,
// which pop3d does not serve, and is the job of the readers: Courier's
// deliverquota and maildrop, Dovecot's quota plugin).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::pop3d {

inline constexpr const char* maildirsize_file = "maildirsize";
// The specification's bound: a reader recalculates a file of this size or more
// instead of reading it, so a line appended to it would be thrown away.
inline constexpr size_t maildirsize_limit = 5120;

// What the file's contents allow. Anything but `appendable` leaves it as it is.
enum class QuotaFileState {
    appendable,
    too_large,      // 5120 bytes or more: the next reader recalculates it from the messages
    no_quota_line,  // empty, or a first line that is no quota definition ("NNNS", "NNNC", by commas)
    unterminated,   // no newline at its end: a line would be glued to a writer's unfinished one
};

// Judges the first bytes of the file; `filled` when 5120 bytes were read.
QuotaFileState judge_maildirsize(std::string_view contents, bool filled);

// "-BYTES -COUNT\n": the line recording that `count` messages of `bytes` were removed.
std::string removal_line(uint64_t bytes, uint64_t count);

// A message's size as Maildir++ counts it: the ",S=" in its name when there
// is one, else the file's size on disk (never POP3's CRLF size); nullopt when
// the name has none and the file cannot be looked at.
std::optional<uint64_t> quota_size_of(int maildir_fd, std::string_view dir, std::string_view name);

enum class QuotaOutcome {
    no_file,      // the Maildir has no maildirsize: no quota to keep, nothing written
    recorded,     // the line was appended
    not_recorded  // the file is there but was left alone: see `reason`
};
struct QuotaRecord {
    QuotaOutcome outcome = QuotaOutcome::no_file;
    const char* reason = "";  // too-large, no-quota-line, unterminated, not-regular, linked, open, read, write
    int error = 0;
};

// Appends removal_line(bytes, count) to the Maildir's maildirsize, when it has
// one the specification lets us append to. Never creates the file.
QuotaRecord record_removal(int maildir_fd, uint64_t bytes, uint64_t count);

}  // namespace postern::pop3d
