#include "md5.hpp"
#include "session.hpp"

namespace postern::pop3d {

namespace {
bool usable_as_unique_id(std::string_view base) {
    constexpr size_t max_uid = 70;
    bool usable = !base.empty() && base.size() <= max_uid;
    for (unsigned char c : base) usable = usable && c >= 0x21 && c <= 0x7e;
    return usable;
}
}  // namespace

// The name itself, written straight out; else 32 hex digits: stable for the
// name, within RFC 1939's alphabet.
void Session::put_unique_id(size_t index) {
    MessageName base = drop_.messages.base(index);
    if (usable_as_unique_id(base)) out_.put(base);
    else out_.put(md5_hex(base));
}

}  // namespace postern::pop3d
