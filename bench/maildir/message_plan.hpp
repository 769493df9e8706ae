// What the generator decides for message number i before writing a byte: its
// name, directory, size and shape. Deciding it apart from the text lets `reset`
// put every file back where `make` wrote it without generating content.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

enum class BoxKind { mixed, small };

struct MessagePlan {
    uint64_t seed = 0;          // seeds the message's text
    uint64_t time = 0;          // delivery time: the name's first part and the file's mtime
    std::string base;           // TIME.M<usec>P<pid>Q<n>.host, unique as real deliveries make it
    std::string name;           // base, plus ":2,FLAGS" for a message in cur/
    bool in_new = false;        // delivered since the last session
    bool crlf = false;          // stored with CRLF line ends (some delivery agents do)
    bool attachment = false;    // multipart with a base64 attachment
    uint64_t target_size = 0;   // about the size on disk
};

struct BoxSpec {
    BoxKind kind = BoxKind::mixed;
    uint64_t max_count = 0;
    uint64_t max_bytes = 0;     // 0: no limit; else stop once the planned sizes reach it
    uint64_t seed = 1;
};

std::vector<MessagePlan> plan_box(const BoxSpec& spec);

}  // namespace bench
