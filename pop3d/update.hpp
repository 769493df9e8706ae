// The UPDATE state (RFC 1939), entered only by QUIT: deleted messages are
// unlinked, retrieved ones that stay are flagged seen.
#pragma once
#include <cstdint>
#include <vector>

#include "maildrop.hpp"
#include "session.hpp"

namespace postern::pop3d {

// Unlinks the messages marked in `deleted`, flags those in `retrieved` Seen,
// records the removal in the Maildir++ quota file, and counts it all in `totals`.
void apply_update(Maildrop& drop, const std::vector<uint8_t>& deleted, const std::vector<uint8_t>& retrieved,
                  SessionTotals& totals);

}  // namespace postern::pop3d
