// MD5 (RFC 1321) in lower-case hex: the APOP digest, MD5(timestamp +
// secret), and pop3d's UIDL for a file name outside RFC 1939's alphabet.
// Not for anything that needs a secure hash.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace postern {

class Md5 {
public:
    using Digest = std::array<unsigned char, 16>;

    Md5();
    ~Md5();
    Md5(const Md5 &) = delete;
    Md5 &operator=(const Md5 &) = delete;

    void update(std::string_view bytes);
    // Ends the computation; the object must not be updated afterwards.
    Digest finish();

private:
    void transform(const unsigned char block[64]);

    std::array<std::uint32_t, 4> state_;
    std::uint64_t length_ = 0;           // bytes so far
    std::array<unsigned char, 64> buffer_;
    std::size_t buffered_ = 0;
};

// 32 lower-case hex digits.
std::string md5_hex(std::string_view bytes);
std::string hex_lower(const Md5::Digest &digest);

}  // namespace postern
