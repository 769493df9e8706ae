// Courier's courierpop3dsizelist, read as Courier's pop3dserver reads it:
//   "/<version> <nextuid> [<uidvalidity>]"   (versions 2 and 3)
//   "<file name> <size> <uid>:<uidvalidity>[:<utf8>]"  per message
// Its UIDL is "UID<uid>-<uidvalidity>", or "UID<uid>" where the validity is 0.
// Lines that do not parse are skipped, as Courier skips them.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "uidl_list_text.hpp"

namespace postern::pop3d {

inline constexpr const char* courier_sizelist_file = "courierpop3dsizelist";

struct CourierRecord {
    std::string_view base_name;  // the file name up to ':'
    uint64_t uid = 0;
    uint64_t uid_validity = 0;
};

std::optional<ListError> parse_courier_sizelist(std::string_view text,
                                                const std::function<void(const CourierRecord&)>& each);

}  // namespace postern::pop3d
