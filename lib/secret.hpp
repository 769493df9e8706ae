// Bounded buffers for passwords and other secrets: fixed size, never copied
// into a std::string, zeroed when they go out of scope.
#pragma once
#include <string.h>
#include <cstddef>
#include <string>
#include <string_view>

namespace postern {

// Zeroes memory in a way the compiler may not remove as a dead store.
inline void wipe_memory(void* p, size_t n) { ::explicit_bzero(p, n); }

// Zeroes a string's whole buffer (its capacity, not only its size: a
// shorter value or a move may have left older bytes there), then empties it.
inline void wipe_string(std::string& s) {
    wipe_memory(s.data(), s.capacity());
    s.clear();
}

template <size_t Capacity>
class SecretBuffer {
public:
    SecretBuffer() = default;
    ~SecretBuffer() { wipe(); }
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;

    // False, leaving the buffer empty, when `s` does not fit.
    bool assign(std::string_view s) {
        wipe();
        return append(s);
    }
    bool append(std::string_view s) {
        if (s.size() > Capacity - size_) {
            wipe();
            return false;
        }
        ::memcpy(data_ + size_, s.data(), s.size());
        size_ += s.size();
        return true;
    }
    bool append(char c) { return append(std::string_view(&c, 1)); }
    // Keeps the first n bytes, zeroing the rest.
    void truncate(size_t n) {
        if (n >= size_) return;
        wipe_memory(data_ + n, size_ - n);
        size_ = n;
    }
    void wipe() {
        wipe_memory(data_, sizeof data_);
        size_ = 0;
    }

    std::string_view view() const { return std::string_view(data_, size_); }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

private:
    char data_[Capacity];
    size_t size_ = 0;
};

}  // namespace postern
