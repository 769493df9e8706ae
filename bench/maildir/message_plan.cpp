#include "message_plan.hpp"

#include <cstdio>

#include "rng.hpp"

namespace bench {

namespace {

constexpr uint64_t first_delivery = 1700000000;  // November 2023
constexpr const char* host = "mail.bench.example";

// Text-only mail of 2-16 KB is most of a mailbox; the rest carries an
// attachment, 16 KB to 1 MB, rarer the larger it is.
void plan_mixed_size(Rng& rng, MessagePlan& m) {
    m.attachment = rng.between(0, 99) < 35;
    m.target_size = m.attachment ? rng.log_between(16 * 1024, 1024 * 1024)
                                 : rng.log_between(2 * 1024, 16 * 1024);
}

void plan_small_size(Rng& rng, MessagePlan& m) {
    m.attachment = false;
    m.target_size = rng.between(1900, 2200);
}

// Most of a kept mailbox was seen before (cur/, flags in ASCII order); the
// newest tenth arrived since the last session and is still in new/ (plan_box).
std::string cur_suffix(Rng& rng) {
    uint64_t r = rng.between(0, 99);
    if (r < 10) return ":2,";
    if (r < 20) return ":2,RS";
    if (r < 23) return ":2,FS";
    return ":2,S";
}

}  // namespace

std::vector<MessagePlan> plan_box(const BoxSpec& spec) {
    std::vector<MessagePlan> box;
    Rng rng(spec.seed * 0x2545f4914f6cdd1dULL + 7);
    uint64_t time = first_delivery;
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < spec.max_count; ++i) {
        if (spec.max_bytes && bytes >= spec.max_bytes) break;
        MessagePlan m;
        m.seed = rng.next();
        time += rng.between(1, 240);
        m.time = time;
        // A delivery process has a fresh pid and a microsecond clock; Q counts its deliveries.
        char base[96];
        std::snprintf(base, sizeof base, "%llu.M%lluP%lluQ%llu.%s", (unsigned long long)time,
                      (unsigned long long)rng.between(0, 999999),
                      (unsigned long long)rng.between(300, 4194303),
                      (unsigned long long)rng.between(1, 3), host);
        m.base = base;
        m.crlf = rng.one_in(8);
        if (spec.kind == BoxKind::mixed) plan_mixed_size(rng, m);
        else plan_small_size(rng, m);
        m.name = m.base + cur_suffix(rng);
        bytes += m.target_size;
        box.push_back(std::move(m));
    }
    for (size_t i = box.size() - box.size() / 10; i < box.size(); ++i) {
        box[i].in_new = true;
        box[i].name = box[i].base;
    }
    return box;
}

}  // namespace bench
