// SASL PLAIN (RFC 4616) as AUTH PLAIN carries it (RFC 5034): base64 of
// "authzid NUL authcid NUL password".
#pragma once
#include <string_view>

#include "secret.hpp"

namespace postern::popup {

// A 255-octet command line holds at most 253 base64 characters: 189 bytes.
constexpr size_t max_plain_message = 192;
using PlainMessage = SecretBuffer<max_plain_message>;

// Strict RFC 4648 base64 with padding; false when malformed or too long.
bool base64_decode(std::string_view text, PlainMessage& out);

struct PlainCredentials {
    std::string_view authzid;   // the identity to act as; empty means authcid
    std::string_view authcid;   // the user name
    std::string_view password;
};

// Splits a decoded message; false unless it has exactly two NULs and a user.
bool split_plain(std::string_view message, PlainCredentials& credentials);

}  // namespace postern::popup
