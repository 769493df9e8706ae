#include "connection_table.hpp"

namespace postern::ucspi {

size_t ConnectionTable::from_source(const IpAddress& source) const {
    auto it = per_source_.find(source);
    return it == per_source_.end() ? 0 : it->second;
}

bool ConnectionTable::source_full(const IpAddress& source) const {
    return max_per_source_ != 0 && from_source(source) >= max_per_source_;
}

void ConnectionTable::add(pid_t pid) { children_[pid] = std::nullopt; }

size_t ConnectionTable::attribute(pid_t pid, const IpAddress& source) {
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
