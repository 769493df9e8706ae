#include "sasl_plain.hpp"

namespace postern::popup {

namespace {
int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
}  // namespace

bool base64_decode(std::string_view text, PlainMessage& out) {
    out.wipe();
    if (text.size() % 4 != 0) return false;
    for (size_t at = 0; at < text.size(); at += 4) {
        bool last = at + 4 == text.size();
        int v[4];
        int padding = 0;
        for (int i = 0; i < 4; ++i) {
            char c = text[at + i];
            if (c == '=' && last && i >= 2) {
                ++padding;
                v[i] = 0;
                continue;
            }
            if (padding > 0) return false;  // data after '='
            v[i] = base64_value(c);
            if (v[i] < 0) return false;
        }
        unsigned bits = unsigned(v[0]) << 18 | unsigned(v[1]) << 12 | unsigned(v[2]) << 6 | unsigned(v[3]);
        char bytes[3] = {char(bits >> 16), char(bits >> 8), char(bits)};
        if (!out.append(std::string_view(bytes, size_t(3 - padding)))) return false;
        wipe_memory(bytes, sizeof bytes);
    }
    return true;
}

bool split_plain(std::string_view message, PlainCredentials& credentials) {
    size_t first = message.find('\0');
    if (first == std::string_view::npos) return false;
    size_t second = message.find('\0', first + 1);
    if (second == std::string_view::npos) return false;
    if (message.find('\0', second + 1) != std::string_view::npos) return false;
    credentials.authzid = message.substr(0, first);
    credentials.authcid = message.substr(first + 1, second - first - 1);
    credentials.password = message.substr(second + 1);
    return !credentials.authcid.empty();
}

}  // namespace postern::popup
