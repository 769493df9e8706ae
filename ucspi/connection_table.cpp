#include "connection_table.hpp"

namespace postern::ucspi {

size_t ConnectionTable::from_source(const IpAddress& address) const {
    auto it = per_source_.find(source_group(address, grouping_));
    return it == per_source_.end() ? 0 : it->second;
}

bool ConnectionTable::source_full(const IpAddress& address) const {
    return max_per_source_ != 0 && from_source(address) >= max_per_source_;
}

void ConnectionTable::add(pid_t pid) { children_[pid] = std::nullopt; }

size_t ConnectionTable::attribute(pid_t pid, const IpAddress& address) {
    IpAddress source = source_group(address, grouping_);
    auto child = children_.find(pid);
    if (child == children_.end() || child->second) return from_source(source);
    child->second = source;
    return ++per_source_[source];
}

bool ConnectionTable::remove(pid_t pid) {
    auto child = children_.find(pid);
    if (child == children_.end()) return false;
    if (child->second) {
        auto count = per_source_.find(*child->second);
        if (count != per_source_.end() && --count->second == 0) per_source_.erase(count);
    }
    children_.erase(child);
    return true;
}

}  // namespace postern::ucspi
