// The benchmark's scenarios, as the client runs them. Each prints its figures
// as "key value" lines on stdout for bench/run.sh, and returns an exit code
// (0, or 1 when a session failed or an octet count was wrong).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct Target {
    uint16_t port = 0;
    std::string user;
    std::string password;
};

// CLIENTS threads loop connect, greeting, USER/PASS, STAT, QUIT for SECONDS.
int run_sessions(const Target& t, unsigned clients, unsigned seconds);
// One session: login+STAT, LIST, UIDL, each timed; holds the session open
// for up to hold_seconds (until SIGUSR1) before QUIT.
int run_scan(const Target& t, unsigned hold_seconds);
// One session: LIST, then RETR of every message, each checked against LIST;
// with hold_seconds, holds the session after LIST and again after the last RETR.
int run_fetch(const Target& t, unsigned hold_seconds);

// The same, with RETRs sent ahead in a window of `window` unanswered commands,
// answers read as they come (RFC 2449 PIPELINING).
int run_pipelined_fetch(const Target& t, unsigned hold_seconds, unsigned window);
// Logs in sessions until `counts[0]` are open at once, holds them (until
// SIGUSR1 or hold_seconds), opens more up to counts[1], holds again, ...;
// then QUITs every one. `t` must be a user whose password checks quickly.
int run_held_sessions(const Target& t, unsigned hold_seconds, const std::vector<unsigned>& counts);

// Logs in (greeting, USER, PASS).
class Pop3Conn;
bool log_in(Pop3Conn& c, const Target& t);
// Sends LIST; each message's size, in order.
bool list_sizes(Pop3Conn& c, std::vector<uint64_t>& sizes);
// Waits for SIGUSR1 or `seconds`, having said "holding" on stdout.
void hold_session(unsigned seconds);

double seconds_since(int64_t start_ns);
// This process's CPU time so far, user and system.
double cpu_seconds();
int64_t now_ns();

}  // namespace bench
