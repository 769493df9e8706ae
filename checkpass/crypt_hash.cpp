#include "crypt_hash.hpp"

#include <crypt.h>
#include <cerrno>
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

struct Hashed {
    enum Status { ok, bad_phrase, crypt_failed } status = bad_phrase;
    std::string hash;
    int error = 0;
    ~Hashed() { wipe_string(hash); }
};

// crypt_rn answers NULL on failure; other crypt(3)s answer a string that
// starts with '*', and may leave errno alone.
void hash_with(std::string_view password, const char* setting, Hashed& out) {
    Phrase phrase;
    if (!as_phrase(password, phrase)) return;
    auto scratch = std::make_unique<CryptScratch>();
    errno = 0;
    const char* hash = ::crypt_rn(phrase.view().data(), setting, &scratch->data, sizeof scratch->data);
    if (!hash || hash[0] == '*') {
        out.status = Hashed::crypt_failed;
        out.error = errno ? errno : EINVAL;
        return;
    }
    out.status = Hashed::ok;
    out.hash = hash;
}

const char* default_setting() {
    static char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!setting[0] && !::crypt_gensalt_rn(nullptr, 0, nullptr, 0, setting, sizeof setting))
        return "$6$postern.dummy$";  // SHA-512, which every libcrypt knows
    return setting;
}
}  // namespace

std::string_view hash_scheme(std::string_view hash) {
    if (!hash.starts_with('$')) return {};
    size_t end = hash.find('$', 1);
    return end == std::string_view::npos ? std::string_view() : hash.substr(1, end - 1);
}

bool is_locked_hash(std::string_view hash) {
    return hash.empty() || hash.front() == '!' || hash.front() == '*';
}

PasswordCheck verify_password(std::string_view password, const std::string& hash) {
    if (is_locked_hash(hash)) return {};
    Hashed computed;
    hash_with(password, hash.c_str(), computed);
    if (computed.status == Hashed::crypt_failed) return {PasswordCheck::crypt_failed, computed.error, std::string(hash_scheme(hash))};
    bool same = computed.status == Hashed::ok && equal_constant_time(computed.hash, hash);
    return {same ? PasswordCheck::match : PasswordCheck::mismatch};
}

PasswordCheck burn_password_check(std::string_view password) {
    Hashed computed;
    const char* setting = default_setting();
    hash_with(password, setting, computed);
    if (computed.status == Hashed::crypt_failed) return {PasswordCheck::crypt_failed, computed.error, std::string(hash_scheme(setting))};
    return {};
}

std::optional<std::string> make_password_hash(std::string_view password) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!::crypt_gensalt_rn(nullptr, 0, nullptr, 0, setting, sizeof setting)) return std::nullopt;
    Hashed computed;
    hash_with(password, setting, computed);
    if (computed.status == Hashed::ok) return std::move(computed.hash);
    errno = computed.status == Hashed::crypt_failed ? computed.error : EINVAL;
    return std::nullopt;
}

}  // namespace postern::checkpass
