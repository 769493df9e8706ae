// The per-source limit behind a proxy: only the child learns the client's
// address (from the PROXY header), and only the server knows how many
// connections each address has, so the child asks and the server answers.
// One request and one answer per connection, over a SOCK_SEQPACKET pair.
#pragma once
#include <cstddef>
#include <optional>

#include "deadline.hpp"
#include "ip_address.hpp"

namespace postern::ucspi {

struct Admission {
    bool admitted = false;
    size_t from_source = 0;  // connections from this source (see source_group.hpp), this one included
};

// Child side: nullopt when the server did not answer in time or at all.
std::optional<Admission> ask_admission(int fd, const IpAddress& source, Deadline deadline);

// Server side: the request waiting on fd (never blocks); nullopt for end of
// file or anything malformed.
std::optional<IpAddress> read_admission_request(int fd);
void send_admission(int fd, Admission answer);

}  // namespace postern::ucspi
