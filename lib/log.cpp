#include "log.hpp"

#include <unistd.h>
#include <cstring>

#include "system_failure.hpp"

namespace postern {

namespace {
std::string& program_name() {
    static std::string name = "postern";
    return name;
}
}  // namespace

void log_set_program(std::string_view name) { program_name() = name; }

std::string log_safe(std::string_view value) {
    constexpr size_t max_field = 64;
    std::string out;
    for (unsigned char c : value.substr(0, max_field)) out += (c > 0x20 && c < 0x7f) ? char(c) : '?';
    if (value.size() > max_field) out += "...";
    return out;
}

LogLine::LogLine(std::string_view event) {
    line_.reserve(160);
    line_ += program_name();
    line_ += ": ";
    line_ += event;
}

LogLine& LogLine::kv(std::string_view key, std::string_view value) {
    line_ += ' ';
    line_ += key;
    line_ += '=';
    line_ += value.empty() ? std::string("-") : log_safe(value);
    return *this;
}

LogLine& LogLine::kv(std::string_view key, unsigned long long value) {
    return kv(key, std::string_view(std::to_string(value)));
}

LogLine& LogLine::kv(std::string_view key, long long value) {
    return kv(key, std::string_view(std::to_string(value)));
}

LogLine& LogLine::err(int errnum) {
    line_ += " error=\"";
    line_ += std::strerror(errnum);
    line_ += '"';
    return *this;
}

LogLine& LogLine::failure(const SystemFailure& failure) { return kv("step", failure.step).err(failure.error); }

LogLine::~LogLine() {
    line_ += '\n';
    int saved = errno;
    (void)!::write(2, line_.data(), line_.size());
    errno = saved;
}

}  // namespace postern
