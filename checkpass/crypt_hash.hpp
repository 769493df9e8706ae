// Password hashes through crypt(3): whatever schemes the system's libcrypt
// knows (yescrypt, SHA-512, bcrypt, ...), chosen by the hash's own prefix.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postern::checkpass {

// A hash that no password can match: empty, or starting with '!' or '*'
// (passwd(5)'s locked and disabled accounts).
bool is_locked_hash(std::string_view hash);

struct PasswordCheck {
    enum Result { match, mismatch, crypt_failed } result = mismatch;
    // crypt_failed: the errno crypt(3) left. libxcrypt says EINVAL both for
    // a scheme or hash it does not know and for a yescrypt that could not
    // get its memory, so the scheme goes with it into the log.
    int error = 0;
    std::string scheme;  // the hash's scheme id ("y", "6", "2b"), "" for DES or none
};

// The id between a hash's first two '$' ("$y$j9T$..." gives "y"), or "".
std::string_view hash_scheme(std::string_view hash);

// Whether crypt(password, hash) reproduces hash. A NULL or '*' answer from
// crypt is crypt_failed, not a mismatch: the password may well be right.
PasswordCheck verify_password(std::string_view password, const std::string& hash);

// Spends the time of one verification with the system's default scheme,
// for users that do not exist or cannot log in: no timing oracle. Its
// result is never a match; crypt_failed when crypt could not run.
PasswordCheck burn_password_check(std::string_view password);

// A new hash of `password` in the system's default scheme with a random
// salt; nullopt with errno set when crypt(3) fails.
std::optional<std::string> make_password_hash(std::string_view password);

}  // namespace postern::checkpass
