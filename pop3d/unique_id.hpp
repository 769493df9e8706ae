// What RFC 1939 allows as a UIDL: 1 to 70 characters from 0x21 to 0x7E.
#pragma once
#include <string_view>

namespace postern::pop3d {

bool usable_as_unique_id(std::string_view uidl);

}  // namespace postern::pop3d
