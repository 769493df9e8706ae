// The server's parts that need no network: options, the connection table,
// the UCSPI environment, the admission channel.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "ucspi/admission.hpp"
#include "ucspi/connection_table.hpp"
#include "ucspi/options.hpp"
#include "ucspi/privileges.hpp"
#include "ucspi/ucspi_env.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {
ParsedOptions parse(std::vector<std::string> words) {
    static std::vector<std::string> keep;
    keep = std::move(words);
    keep.insert(keep.begin(), "postern-tcpserver");
    std::vector<char*> argv;
    for (auto& w : keep) argv.push_back(w.data());
    argv.push_back(nullptr);
    return parse_options(int(argv.size() - 1), argv.data());
}

IpAddress ip(const char* text) { return *parse_ip(text); }
}  // namespace

TEST_CASE("options: defaults as tcpserver's, and the words after them") {
    ParsedOptions p = parse({"0", "110", "postern-popup", "mail.example.org", "postern-checkpass"});
    REQUIRE(p.error.empty());
    const Options& o = p.options;
    CHECK(o.max_total == 40);
    CHECK(o.max_per_source == 0);
    CHECK_FALSE(o.limit_message);
    CHECK_FALSE(o.proxy);
    CHECK(o.host == "0");
    CHECK(o.port == "110");
    REQUIRE(o.program.size() == 4);
    CHECK(std::string(o.program[0]) == "postern-popup");
    CHECK(std::string(o.program[2]) == "postern-checkpass");
    CHECK(o.program[3] == nullptr);
}

TEST_CASE("options: grouped flags, attached and separate values") {
    ParsedOptions p = parse({"-vDy1", "-c5", "-C", "2", "-m", "-ERR busy", "-x", "rules", "-T3", "-W", "0",
                             "-u", "nobody", "-g", "nogroup", "::", "0", "prog", "-c", "9"});
    REQUIRE(p.error.empty());
    const Options& o = p.options;
    CHECK(o.verbosity == Verbosity::verbose);
    CHECK(o.nodelay);
    CHECK(o.proxy);
    CHECK(o.print_port);
    CHECK(o.max_total == 5);
    CHECK(o.max_per_source == 2);
    CHECK(o.limit_message == "-ERR busy");
    CHECK(o.rules_file == "rules");
    CHECK(o.proxy_timeout == 3);
    CHECK(o.grace == 0);
    CHECK(o.user == "nobody");
    CHECK(o.group == "nogroup");
    CHECK(o.host == "::");
    REQUIRE(o.program.size() == 4);  // the program's own options are its own
    CHECK(std::string(o.program[1]) == "-c");
}

TEST_CASE("options: -- ends the options; later flags override earlier ones") {
    ParsedOptions p = parse({"-D", "-d", "-h", "-H", "-v", "-q", "-R", "--", "-1", "2", "prog"});
    REQUIRE(p.error.empty());
    CHECK_FALSE(p.options.nodelay);
    CHECK_FALSE(p.options.lookup_names);
    CHECK(p.options.verbosity == Verbosity::quiet);
    CHECK(p.options.host == "-1");
}

TEST_CASE("options: tcpserver's whole usage line, and ucspi-tcp-ipv6's additions") {
    ParsedOptions p = parse({"-1UXpPhHrRoOdDqQv", "-c", "40", "-x", "rules.cdb", "-B", "hi", "-g", "1", "-u", "2",
                             "-b", "0", "-l", "0", "-t", "26", "-46", "-I", "eth0", "0", "110", "prog"});
    REQUIRE(p.error.empty());
    const Options& o = p.options;
    CHECK(o.print_port);
    CHECK(o.ids_from_env);
    CHECK(o.rules_missing_ok);
    CHECK_FALSE(o.paranoid);      // -P after -p
    CHECK_FALSE(o.lookup_names);  // -H after -h
    CHECK_FALSE(o.ident_asked);   // -R after -r
    CHECK(o.kill_ip_options);     // -O after -o
    CHECK(o.nodelay);             // -D after -d
    CHECK(o.verbosity == Verbosity::verbose);
    CHECK(o.rules_file == "rules.cdb");
    CHECK(o.banner == "hi");
    CHECK(o.group == "1");
    CHECK(o.user == "2");
    CHECK(o.backlog == 0);
    CHECK(o.local_host == "0");
    CHECK(o.ident_timeout_given);
    CHECK(o.ipv4_only);
    CHECK(o.v4_as_v6);
    CHECK(o.interface == "eth0");
}

TEST_CASE("options: postern's defaults where tcpserver's differ") {
    const Options o = parse({"0", "110", "prog"}).options;
    CHECK(o.paranoid);            // tcpserver: -P
    CHECK_FALSE(o.lookup_names);  // tcpserver: -h
    CHECK_FALSE(o.ident_asked);   // tcpserver: -r, and there is no IDENT here
    CHECK(o.kill_ip_options);     // -O, as tcpserver
    CHECK_FALSE(o.nodelay);       // -d, as tcpserver
    CHECK(o.backlog == 64);       // tcpserver: 20
    CHECK_FALSE(o.rules_missing_ok);
}

TEST_CASE("options: classic run scripts' spellings") {
    ParsedOptions p = parse({"-RHD", "0", "pop3", "qmail-popup", "host"});
    REQUIRE(p.error.empty());
    CHECK(p.options.nodelay);
    p = parse({"-vR", "-c40", "-p", "0", "pop3", "ipop3d"});
    REQUIRE(p.error.empty());
    CHECK(p.options.max_total == 40);
    CHECK(p.options.paranoid);
    p = parse({"-v", "-R", "-P", "-X", "-x", "/etc/tcp.pop3.cdb", "-c", "40", "-l0", "0", "110", "prog"});
    REQUIRE(p.error.empty());
    CHECK(p.options.local_host == "0");
    CHECK(p.options.rules_missing_ok);
    CHECK(p.options.port == "110");
}

TEST_CASE("options: -t takes any value (it is not used); -4 refuses an IPv6 HOST") {
    CHECK(parse({"-t", "soon", "0", "1", "p"}).error.empty());
    CHECK(parse({"-4", "::1", "1", "p"}).error == "-4 with an IPv6 HOST: ::1");
    CHECK(parse({"-4", "::", "1", "p"}).error.empty());  // every IPv4 address
    CHECK(parse({"-4", "::ffff:127.0.0.1", "1", "p"}).error.empty());
    CHECK(parse({"-I", "", "0", "1", "p"}).error == "bad value for -I: ");
}

TEST_CASE("options: -C takes the prefix lengths its sources are grouped by") {
    ParsedOptions plain = parse({"-C", "4", "::", "0", "prog"});
    REQUIRE(plain.error.empty());
    CHECK(plain.options.max_per_source == 4);
    CHECK(plain.options.source_grouping.v4_bits == 32);
    CHECK(plain.options.source_grouping.v6_bits == 64);
    ParsedOptions both = parse({"-C3/24/56", "::", "0", "prog"});
    REQUIRE(both.error.empty());
    CHECK(both.options.max_per_source == 3);
    CHECK(both.options.source_grouping.v4_bits == 24);
    CHECK(both.options.source_grouping.v6_bits == 56);
    CHECK(parse({"-C", "3/33", "0", "1", "p"}).error == "bad value for -C: 3/33");
    CHECK(parse({"-C", "3/24/129", "0", "1", "p"}).error == "bad value for -C: 3/24/129");
}

TEST_CASE("options: mistakes are named") {
    CHECK(parse({"-z", "0", "1", "p"}).error == "unknown option -z");
    CHECK(parse({"0", "1"}).error == "expected HOST PORT PROG");
    CHECK(parse({"-c"}).error == "-c needs a value");
    CHECK(parse({"-c", "0", "0", "1", "p"}).error == "bad value for -c: 0");
    CHECK(parse({"-c", "x", "0", "1", "p"}).error == "bad value for -c: x");
    CHECK(parse({"-b", "-5", "0", "1", "p"}).error == "bad value for -b: -5");
    CHECK(parse({"-T", "0", "0", "1", "p"}).error == "bad value for -T: 0");
    CHECK(parse({"-x", "", "0", "1", "p"}).error == "bad value for -x: ");
}

TEST_CASE("identity: a -u or -g number past uid_t is refused, never wrapped to root") {
    for (const char* number : {"4294967295", "4294967296", "18446744073709551616"}) {
        CAPTURE(number);
        Options as_user;
        as_user.user = number;
        as_user.group = "100";
        CHECK_FALSE(resolve_identity(as_user).error.empty());
        Options as_group;
        as_group.group = number;
        CHECK_FALSE(resolve_identity(as_group).error.empty());
    }
    Options numeric;
    numeric.user = "4294967294";
    numeric.group = "4294967294";
    Identity id = resolve_identity(numeric);
    CHECK(id.error.empty());
    CHECK(id.uid == 4294967294u);
    CHECK(id.gid == 4294967294u);
}

TEST_CASE("connection table: totals and per-source counts") {
    ConnectionTable t(3, 2);
    IpAddress a = ip("192.0.2.7"), b = ip("2001:db8::1");
    CHECK_FALSE(t.full());
    t.add(100);
    CHECK(t.attribute(100, a) == 1);
    t.add(101);
    CHECK(t.attribute(101, a) == 2);
    CHECK(t.source_full(a));
    CHECK_FALSE(t.source_full(b));
    t.add(102);  // behind a proxy: not yet known
    CHECK(t.full());
    CHECK(t.active() == 3);
    CHECK(t.from_source(b) == 0);
    CHECK(t.attribute(102, b) == 1);
    t.attribute(102, a);  // attributed once only: no change
    CHECK(t.from_source(a) == 2);
    CHECK(t.remove(100));
    CHECK_FALSE(t.remove(100));
    CHECK_FALSE(t.remove(999));
    CHECK(t.from_source(a) == 1);
    CHECK_FALSE(t.source_full(a));
    CHECK_FALSE(t.full());
    t.add(103);
    CHECK(t.remove(103));  // never attributed
    CHECK(t.active() == 2);
}

TEST_CASE("connection table: no per-source limit when it is 0") {
    ConnectionTable t(100, 0);
    for (pid_t pid = 1; pid <= 50; ++pid) {
        t.add(pid);
        t.attribute(pid, ip("127.0.0.1"));
    }
    CHECK_FALSE(t.source_full(ip("127.0.0.1")));
    CHECK(t.from_source(ip("127.0.0.1")) == 50);
}

TEST_CASE("UCSPI variables for IPv4 and IPv6 clients") {
    ConnectionFacts f;
    f.local = {ip("127.0.0.1"), 110};
    f.remote = {ip("192.0.2.7"), 51234};
    f.from_source = 3;
    auto vars = ucspi_variables(f);
    auto value = [&](const char* name) -> std::optional<std::string> {
        for (auto& v : vars)
            if (std::string(v.name) == name) return v.value;
        FAIL(name);
        return std::nullopt;
    };
    CHECK(value("PROTO") == "TCP");
    CHECK(value("TCPLOCALIP") == "127.0.0.1");
    CHECK(value("TCPLOCALPORT") == "110");
    CHECK(value("TCPREMOTEIP") == "192.0.2.7");
    CHECK(value("TCPREMOTEPORT") == "51234");
    CHECK(value("TCPCONNNUM") == "3");
    CHECK_FALSE(value("TCPREMOTEHOST"));
    CHECK_FALSE(value("TCPREMOTEINFO"));
    CHECK_FALSE(value("TCPLOCALHOST"));
    f.remote = {ip("2001:db8::7"), 1};
    f.remote_host = "client.example.org";
    vars = ucspi_variables(f);
    CHECK(value("PROTO") == "TCP6");
    CHECK(value("TCPREMOTEIP") == "2001:db8::7");
    CHECK(value("TCPREMOTEHOST") == "client.example.org");
}

TEST_CASE("rule variables override the UCSPI ones and stale ones are unset") {
    ::setenv("TCPREMOTEINFO", "stale", 1);
    ConnectionFacts f;
    f.local = {ip("127.0.0.1"), 110};
    f.remote = {ip("127.0.0.1"), 4000};
    Rule rule;
    rule.env = {{"POSTERN_TEST_VAR", "on"}, {"TCPLOCALPORT", "995"}};
    REQUIRE(apply_environment(f, &rule));
    CHECK(std::getenv("TCPREMOTEINFO") == nullptr);
    CHECK(std::string(std::getenv("POSTERN_TEST_VAR")) == "on");
    CHECK(std::string(std::getenv("TCPLOCALPORT")) == "995");
    CHECK(std::string(std::getenv("TCPREMOTEPORT")) == "4000");
    for (const char* v : {"PROTO", "TCPLOCALIP", "TCPLOCALPORT", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPCONNNUM",
                          "POSTERN_TEST_VAR"})
        ::unsetenv(v);
}

TEST_CASE("admission: one request, one answer") {
    int fd[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fd) == 0);
    CHECK_FALSE(read_admission_request(fd[0]));  // nothing there yet: does not block
    IpAddress client = ip("2001:db8::7");
    // The answer is sent first so the asking side finds it waiting.
    send_admission(fd[0], Admission{true, 4});
    auto answer = ask_admission(fd[1], client, Deadline::after_seconds(2));
    REQUIRE(answer);
    CHECK(answer->admitted);
    CHECK(answer->from_source == 4);
    auto request = read_admission_request(fd[0]);
    REQUIRE(request);
    CHECK(*request == client);
    ::close(fd[0]);
    CHECK_FALSE(ask_admission(fd[1], client, Deadline::after_seconds(2)));
    ::close(fd[1]);
}
