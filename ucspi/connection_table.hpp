// The running children, and how many come from each client address: what the
// total (-c) and per-source (-C) limits are checked against.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <map>
#include <optional>
#include <unordered_map>

#include "ip_address.hpp"

namespace postern::ucspi {

class ConnectionTable {
public:
    // max_per_source 0: no per-source limit.
    ConnectionTable(size_t max_total, size_t max_per_source)
        : max_total_(max_total), max_per_source_(max_per_source) {}

    size_t active() const { return children_.size(); }
    size_t max_total() const { return max_total_; }
    bool full() const { return children_.size() >= max_total_; }
    size_t from_source(const IpAddress& source) const;
    // One more from `source` would pass the per-source limit.
    bool source_full(const IpAddress& source) const;

    // A new child whose client is not known yet (behind a proxy, until its header is read).
    void add(pid_t pid);
    // Counts `pid` as a connection from `source`; returns the count from there now.
    size_t attribute(pid_t pid, const IpAddress& source);
    // Forgets a child that ended; false when it was not one of ours.
    bool remove(pid_t pid);

private:
    size_t max_total_, max_per_source_;
    std::unordered_map<pid_t, std::optional<IpAddress>> children_;
    std::map<IpAddress, size_t> per_source_;
};

}  // namespace postern::ucspi
