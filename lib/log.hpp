// One event per line on stderr: "program: event key=value ...".
// Values are sanitised so a client cannot forge a log line or break fail2ban's parsing.
#pragma once
#include <string>
#include <string_view>

namespace postern {

struct SystemFailure;

// Set once in main; every line starts with it.
void log_set_program(std::string_view name);

class LogLine {
public:
    explicit LogLine(std::string_view event);
    LogLine& kv(std::string_view key, std::string_view value);
    LogLine& kv(std::string_view key, unsigned long long value);
    LogLine& kv(std::string_view key, long long value);
    LogLine& kv(std::string_view key, int value) { return kv(key, static_cast<long long>(value)); }
    LogLine& kv(std::string_view key, unsigned value) { return kv(key, static_cast<unsigned long long>(value)); }
    LogLine& kv(std::string_view key, unsigned long value) { return kv(key, static_cast<unsigned long long>(value)); }
    LogLine& kv(std::string_view key, long value) { return kv(key, static_cast<long long>(value)); }
    LogLine& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value ? value : "")); }
    LogLine& kv(std::string_view key, const std::string& value) { return kv(key, std::string_view(value)); }
    // Adds "error=<strerror(err)>".
    LogLine& err(int errnum);
    // Adds "step=<step> error=<strerror(error)>".
    LogLine& failure(const SystemFailure& failure);
    ~LogLine();  // writes the line in one write(2)

    LogLine(const LogLine&) = delete;
    LogLine& operator=(const LogLine&) = delete;

private:
    std::string line_;
};

inline LogLine log_event(std::string_view event) { return LogLine(event); }

// Printable ASCII with spaces and controls replaced, at most 64 bytes: safe inside a log field.
std::string log_safe(std::string_view value);

}  // namespace postern
