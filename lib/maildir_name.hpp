// What a Maildir file name tells without opening the file:
//   1700000000.M20501P1234Q5.host,S=2048,W=2090:2,S
//   ^time      ^unique part (the "base", up to ':')  ^info: flags after "2,"
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern {

struct MaildirName {
    std::string_view base;   // up to the ':' (the unique name, stable across flag changes)
    std::string_view flags;  // the letters after ":2,"; empty when none
    bool has_info = false;   // the name has ":2," (a file in new/ usually has not)
    uint64_t time = 0;       // the leading decimal digits: delivery time, 0 when none
    std::optional<uint64_t> disk_size;      // ",S=" in the base
    std::optional<uint64_t> transmit_size;  // ",W=": the size with CRLF line ends
};

MaildirName parse_maildir_name(std::string_view name);

// Just the leading decimal digits (at most 18), for sorting: 0 when none.
uint64_t maildir_time(std::string_view name);

// The name with `flag` added to its ":2," flags, kept in ASCII order, as the Maildir spec asks.
std::string maildir_name_with_flag(std::string_view name, char flag);

}  // namespace postern
