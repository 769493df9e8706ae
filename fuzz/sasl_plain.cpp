// AUTH PLAIN's base64 and SASL PLAIN message (popup/sasl_plain). The input is
// both a base64 text to decode and the bytes of a message to encode.
// Invariants:
//  - the decoder agrees with a reference RFC 4648 decoder (padding required,
//    '=' only at the end, nothing past 192 bytes), byte for byte;
//  - what it accepts re-encodes to the same text, but for the unused low bits
//    of the last character before the padding (RFC 4648 3.5 lets a decoder
//    ignore them);
//  - any message of at most 192 bytes, encoded, decodes to itself;
//  - split_plain accepts exactly the messages with two NULs and a user, and
//    its fields joined by NULs are the message.
#include <optional>
#include <string>

#include "check.hpp"
#include "popup/sasl_plain.hpp"

using namespace postern;
using namespace postern::popup;

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string encode(std::string_view bytes) {
    std::string out;
    for (size_t at = 0; at < bytes.size(); at += 3) {
        size_t n = std::min<size_t>(3, bytes.size() - at);
        unsigned bits = 0;
        for (size_t i = 0; i < 3; ++i) bits = bits << 8 | (i < n ? uint8_t(bytes[at + i]) : 0);
        for (size_t i = 0; i < 4; ++i) out += i <= n ? alphabet[bits >> (18 - 6 * i) & 63] : '=';
    }
    return out;
}

std::optional<std::string> reference_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
    std::string_view body = text.substr(0, text.size() - padding);
    if (body.find_first_not_of(alphabet) != std::string_view::npos) return std::nullopt;
    std::string out;
    unsigned bits = 0, count = 0;
    for (char c : body) {
        bits = bits << 6 | unsigned(alphabet.find(c));
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += char(bits >> count & 0xff);
        }
    }
    if (out.size() > max_plain_message) return std::nullopt;
    return out;
}

void check_decode(std::string_view text) {
    PlainMessage message;
    bool decoded = base64_decode(text, message);
    auto expected = reference_decode(text);
    FUZZ_CHECK(decoded == bool(expected));
    if (!decoded) return;  // what was decoded before the fault stays, until the buffer wipes itself
    FUZZ_CHECK(message.view() == *expected);
    std::string again = encode(message.view());
    FUZZ_CHECK(again.size() == text.size());
    size_t last = text.find('=');
    if (last == std::string_view::npos) last = text.size();
    // All but the last character before the padding are the same; that one differs only in its unused bits.
    FUZZ_CHECK(last == 0 || again.substr(0, last - 1) == text.substr(0, last - 1));
    FUZZ_CHECK(again.substr(last) == text.substr(last));
    if (last > 0) {
        unsigned unused = (text.size() - last) * 2;  // 2 bits per '='
        FUZZ_CHECK((alphabet.find(again[last - 1]) >> unused) == (alphabet.find(text[last - 1]) >> unused));
    }
}

void check_encode(std::string_view bytes) {
    PlainMessage message;
    bool decoded = base64_decode(encode(bytes), message);
    FUZZ_CHECK(decoded == (bytes.size() <= max_plain_message));
    if (decoded) FUZZ_CHECK(message.view() == bytes);
}

void check_split(std::string_view message) {
    PlainCredentials c;
    bool split = split_plain(message, c);
    size_t nuls = 0;
    for (char ch : message) nuls += ch == '\0';
    size_t first = message.find('\0');
    bool has_user = nuls == 2 && message.find('\0', first + 1) > first + 1;
    FUZZ_CHECK(split == has_user);
    if (split) FUZZ_CHECK(std::string(c.authzid) + '\0' + std::string(c.authcid) + '\0' + std::string(c.password) ==
                          message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    if (data.size() > 1024) return 0;
    check_decode(data);
    check_encode(data);
    check_split(data);
    PlainMessage message;
    if (base64_decode(data, message)) check_split(message.view());
    return 0;
}
