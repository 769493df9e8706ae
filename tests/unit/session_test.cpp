#include <catch2/catch.hpp>

#include <unistd.h>

#include "capture.hpp"
#include "pop3d/session.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
// Runs a whole session over `commands` on a Maildir holding `messages`; returns the answers.
std::string run_session(test::TempMaildir& md, const std::string& commands) {
    Maildrop drop;
    REQUIRE(open_maildrop(md.path().c_str(), false, 1000, drop).status == OpenStatus::ok);
    int in_pipe[2];
    REQUIRE(pipe(in_pipe) == 0);
    REQUIRE(::write(in_pipe[1], commands.data(), commands.size()) == ssize_t(commands.size()));
    ::close(in_pipe[1]);
    test::CapturedOutput capture;
    Settings settings;
    LineReader in(in_pipe[0], 255);
    Session session(drop, settings, in, capture.writer());
    session.run();
    ::close(in_pipe[0]);
    return capture.text();
}
}  // namespace

TEST_CASE("command keywords are found in any case") {
    CHECK(find_command("STAT") == &Session::stat);
    CHECK(find_command("stat") == &Session::stat);
    CHECK(find_command("UiDl") == &Session::uidl);
    CHECK(find_command("STATS") == nullptr);
    CHECK(find_command("") == nullptr);
    CHECK(find_command("USER") == nullptr);
}

TEST_CASE("message numbers are strict decimals within the maildrop") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "x\n");
    md.put("cur/2.b.h:2,", "yy\n");
    std::string out = run_session(md, "LIST 2\r\nLIST 02\r\nLIST 3\r\nLIST 0\r\nLIST +1\r\nLIST 1 2\r\nDELE 1\r\nLIST 1\r\nSTAT\r\n");
    CHECK(out ==
          "+OK 2 4\r\n"
          "+OK 02 4\r\n"
          "-ERR no such message\r\n"
          "-ERR no such message\r\n"
          "-ERR invalid message number\r\n"
          "-ERR invalid message number\r\n"
          "+OK message 1 deleted\r\n"
          "-ERR message 1 already deleted\r\n"
          "+OK 1 4\r\n");
}

TEST_CASE("LAST follows RETR and DELE, and RSET resets it") {
    test::TempMaildir md;
    for (const char* name : {"cur/1.a.h:2,", "cur/2.b.h:2,", "cur/3.c.h:2,"}) md.put(name, "x\n");
    std::string out = run_session(md, "LAST\r\nRETR 2\r\nLAST\r\nDELE 3\r\nLAST\r\nRSET\r\nLAST\r\n");
    CHECK(out.find("+OK 0\r\n") == 0);
    CHECK(out.find("+OK 2\r\n") != std::string::npos);
    CHECK(out.find("+OK 3\r\n") != std::string::npos);
    CHECK(out.ends_with("+OK maildrop has 3 messages (9 octets)\r\n+OK 0\r\n"));
}

TEST_CASE("without QUIT nothing is deleted or flagged") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "x\n");
    run_session(md, "RETR 1\r\nDELE 1\r\n");
    CHECK(md.exists("cur/1.a.h:2,"));
}

TEST_CASE("QUIT deletes, and flags retrieved messages seen") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "x\n");
    md.put("cur/2.b.h:2,T", "x\n");
    md.put("new/3.c.h", "x\n");
    CHECK(run_session(md, "RETR 2\r\nDELE 1\r\nQUIT\r\n").ends_with("+OK bye\r\n"));
    CHECK_FALSE(md.exists("cur/1.a.h:2,"));
    CHECK(md.exists("cur/2.b.h:2,ST"));
    CHECK(md.exists("cur/3.c.h:2,"));
}
