#include "admission.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace postern::ucspi {

namespace {

struct Request {
    uint8_t v6;
    uint8_t bytes[16];
};

struct Answer {
    uint8_t admitted;
    uint32_t from_source;
};

}  // namespace

std::optional<Admission> ask_admission(int fd, const IpAddress& source, Deadline deadline) {
    Request request{uint8_t(source.v6), {}};
    std::memcpy(request.bytes, source.bytes.data(), 16);
    if (::send(fd, &request, sizeof request, MSG_NOSIGNAL) != ssize_t(sizeof request)) return std::nullopt;
    if (wait_readable(fd, deadline) != Wait::ready) return std::nullopt;
    Answer answer{};
    if (::recv(fd, &answer, sizeof answer, 0) != ssize_t(sizeof answer)) return std::nullopt;
    return Admission{answer.admitted == 1, answer.from_source};
}

std::optional<IpAddress> read_admission_request(int fd) {
    Request request{};
    if (::recv(fd, &request, sizeof request, MSG_DONTWAIT) != ssize_t(sizeof request)) return std::nullopt;
    if (request.v6 > 1) return std::nullopt;
    IpAddress address;
    address.v6 = request.v6 == 1;
    std::memcpy(address.bytes.data(), request.bytes, 16);
    return unmap_v4(address);
}

void send_admission(int fd, Admission answer) {
    Answer a{uint8_t(answer.admitted ? 1 : 0), uint32_t(answer.from_source)};
    (void)::send(fd, &a, sizeof a, MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace postern::ucspi
