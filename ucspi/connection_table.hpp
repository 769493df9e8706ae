// The running children, and how many come from each source (a client address,
// or the prefix it falls in: see source_group.hpp): what the total (-c) and
// per-source (-C) limits are checked against.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <map>
#include <optional>
#include <unordered_map>

#include "ip_address.hpp"
#include "source_group.hpp"

namespace postern::ucspi {

class ConnectionTable {
public:
    // max_per_source 0: no per-source limit.
    ConnectionTable(size_t max_total, size_t max_per_source, SourceGrouping grouping = {})
        : max_total_(max_total), max_per_source_(max_per_source), grouping_(grouping) {}

    size_t active() const { return children_.size(); }
    size_t max_total() const { return max_total_; }
    bool full() const { return children_.size() >= max_total_; }
    const SourceGrouping& grouping() const { return grouping_; }
    // Connections from the source `address` belongs to.
    size_t from_source(const IpAddress& address) const;
    // One more from `address`'s source would pass the per-source limit.
    bool source_full(const IpAddress& address) const;

    // A new child whose client is not known yet (behind a proxy, until its header is read).
    void add(pid_t pid);
    // Counts `pid` as a connection from `address`'s source; returns the count from there now.
    size_t attribute(pid_t pid, const IpAddress& address);
    // Forgets a child that ended; false when it was not one of ours.
    bool remove(pid_t pid);

private:
    size_t max_total_, max_per_source_;
    SourceGrouping grouping_;
    std::unordered_map<pid_t, std::optional<IpAddress>> children_;  // the source, once known
    std::map<IpAddress, size_t> per_source_;  // keyed by source_group()
};

}  // namespace postern::ucspi
