// Reading a Maildir's directories: one pass over new/ and cur/, no stat per message.
#pragma once
#include <ctime>
#include <functional>
#include <string_view>

#include "deadline.hpp"
#include "message_list.hpp"
#include "system_failure.hpp"

namespace postern {

struct ScanResult {
    SystemFailure failure;        // the directory that could not be read ("new", "cur"), and why
    int move_error = 0;           // why some could not be moved (they are listed from new/)
    bool truncated = false;       // more than max_messages were there
    bool timed_out = false;       // the deadline passed before the scan was done
};

// Moves each message in new/ to cur/ (adding ":2,"), so names stay stable for
// the session, then lists cur/ into `list`, unsorted. Dot-files are skipped.
// A message that cannot be moved is listed where it is, in new/. Stops, with
// `timed_out`, when the deadline passes.
ScanResult scan_maildir(int maildir_fd, MessageList& list, size_t max_messages,
                        Deadline deadline = Deadline::never());

// Removes files in tmp/ not accessed for 36 hours: deliveries that died.
// Returns how many were removed; stops when the deadline passes.
size_t clean_maildir_tmp(int maildir_fd, time_t now, Deadline deadline = Deadline::never());

// Calls `each` for each entry of directory `dir` (relative to dir_fd) that is
// not a dot-file and may be a regular file. Returns 0 or an errno.
int for_each_file(int dir_fd, const char* dir, const std::function<bool(std::string_view)>& each);

}  // namespace postern
