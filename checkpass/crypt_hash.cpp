#include "crypt_hash.hpp"

#include <crypt.h>
#include <memory>

#include "constant_time.hpp"
#include "secret.hpp"

namespace postern::checkpass {

namespace {
// crypt_data holds the passphrase's derived state: cleared after each use.
struct CryptScratch {
    crypt_data data{};
    ~CryptScratch() { wipe_memory(&data, sizeof data); }
};

// crypt(3) wants a C string: the password is copied into a wiped buffer.
using Phrase = SecretBuffer<CRYPT_MAX_PASSPHRASE_SIZE + 1>;

bool as_phrase(std::string_view password, Phrase& phrase) {
    if (password.size() >= CRYPT_MAX_PASSPHRASE_SIZE || password.find('\0') != std::string_view::npos) return false;
    return phrase.assign(password) && phrase.append('\0');
}

std::optional<std::string> hash_with(std::string_view password, const char* setting) {
    Phrase phrase;
    if (!as_phrase(password, phrase)) return std::nullopt;
    auto scratch = std::make_unique<CryptScratch>();
    const char* hash = ::crypt_rn(phrase.view().data(), setting, &scratch->data, sizeof scratch->data);
    if (!hash || hash[0] == '*') return std::nullopt;
    return std::string(hash);
}

const char* default_setting() {
    static char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!setting[0] && !::crypt_gensalt_rn(nullptr, 0, nullptr, 0, setting, sizeof setting))
        return "$6$postern.dummy$";  // SHA-512, which every libcrypt knows
    return setting;
}
}  // namespace

bool is_locked_hash(std::string_view hash) {
    return hash.empty() || hash.front() == '!' || hash.front() == '*';
}

bool verify_password(std::string_view password, const std::string& hash) {
    if (is_locked_hash(hash)) return false;
    auto computed = hash_with(password, hash.c_str());
    bool same = computed && equal_constant_time(*computed, hash);
    if (computed) wipe_memory(computed->data(), computed->size());
    return same;
}

void burn_password_check(std::string_view password) {
    auto computed = hash_with(password, default_setting());
    if (computed) wipe_memory(computed->data(), computed->size());
}

std::optional<std::string> make_password_hash(std::string_view password) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!::crypt_gensalt_rn(nullptr, 0, nullptr, 0, setting, sizeof setting)) return std::nullopt;
    return hash_with(password, setting);
}

}  // namespace postern::checkpass
