// Dovecot's dovecot-uidlist, read as Dovecot 2.3's maildir-uidlist.c reads it:
//   version 3:  "3 V<uidvalidity> N<nextuid> [G<guid>] ...", then lines
//               "<uid> [<key><value> ...] :<file name>"
//   version 1:  "1 <uidvalidity> <nextuid>", then lines "<uid> <file name>"
// UIDs ascend. Of the extension fields a UIDL needs P (a UIDL saved by
// pop3_save_uidl; empty: the base file name) and G (the message's GUID).
// The file name may carry flags after ':'; the base name is the part before.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "uidl_list_text.hpp"

namespace postern::pop3d {

inline constexpr const char* dovecot_uidlist_file = "dovecot-uidlist";

struct DovecotRecord {
    uint32_t uid = 0;
    std::string_view base_name;
    std::string_view guid;                     // empty when the line has none
    std::optional<std::string_view> saved_uidl;
};

// Calls `each` for every record, in the file's order (a later line for the
// same file name replaces an earlier one, as in Dovecot), after setting
// `uid_validity`. A line without its newline (being appended) is not read.
// A header or line Dovecot would call corrupted ends the reading with an
// error: Dovecot would then rebuild the list, and so its UIDLs.
std::optional<ListError> parse_dovecot_uidlist(std::string_view text, uint32_t& uid_validity,
                                               const std::function<void(const DovecotRecord&)>& each);

}  // namespace postern::pop3d
