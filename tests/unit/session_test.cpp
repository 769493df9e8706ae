#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "capture.hpp"
#include "command_line.hpp"
#include "pop3d/session.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
// Runs a whole session over `commands` on a Maildir holding `messages`; returns
// the answers, and the session's totals in `totals` when given. `before_commands`
// runs once the maildrop is open (another session's doing, say).
template <typename Before = void (*)()>
std::string run_session(test::TempMaildir& md, const std::string& commands, SessionTotals* totals = nullptr,
                        Before before_commands = [] {}) {
    Maildrop drop;
    REQUIRE(open_maildrop(md.path().c_str(), false, 1000, drop).status == OpenStatus::ok);
    before_commands();
    int in_pipe[2];
    REQUIRE(pipe(in_pipe) == 0);
    REQUIRE(::write(in_pipe[1], commands.data(), commands.size()) == ssize_t(commands.size()));
    ::close(in_pipe[1]);
    test::CapturedOutput capture;
    Settings settings;
    LineReader in(in_pipe[0], max_command_line);
    Session session(drop, settings, in, capture.writer());
    if (session.run() == EndReason::quit) session.update();
    ::close(in_pipe[0]);
    if (totals) *totals = session.totals();
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

TEST_CASE("LAST starts at the highest message already seen, TOP raises it, RSET goes back to it") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,S", "x\n");
    md.put("cur/2.b.h:2,RS", "x\n");
    md.put("cur/3.c.h:2,", "x\n");
    md.put("cur/4.d.h:2,F", "x\n");
    md.put("new/5.e.h", "x\n");
    CHECK(run_session(md, "LAST\r\nQUIT\r\n").starts_with("+OK 2\r\n"));
    std::string out = run_session(md, "TOP 4 0\r\nLAST\r\nRSET\r\nLAST\r\nRETR 5\r\nLAST\r\nQUIT\r\n");
    CHECK(out.find("+OK 4\r\n+OK maildrop has 5 messages (15 octets)\r\n+OK 2\r\n") != std::string::npos);
    CHECK(out.find("\r\n.\r\n+OK 5\r\n+OK bye") != std::string::npos);
    // Retrieved, message 5 is seen now: the next session's LAST begins there.
    CHECK(run_session(md, "LAST\r\n").starts_with("+OK 5\r\n"));
}

TEST_CASE("LAST is 0 when nothing is seen, and a message seen only by flag counts without RETR") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "x\n");
    md.put("cur/2.b.h:2,", "x\n");
    CHECK(run_session(md, "LAST\r\n") == "+OK 0\r\n");
    std::filesystem::rename(md.path() / "cur/2.b.h:2,", md.path() / "cur/2.b.h:2,S");
    CHECK(run_session(md, "LAST\r\n") == "+OK 2\r\n");
}

TEST_CASE("retrieved counts what RETR sent, topped what a TOP sent whole, each message once") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "Subject: a\n\none\ntwo\n");
    md.put("cur/2.b.h:2,", "Subject: b\n\nbody\n");
    md.put("cur/3.c.h:2,", "Subject: c\n\n");
    SessionTotals totals;
    // TOP 1 1 stops short of line two; TOP 2 99999999 (fetchmail's) and TOP 3 0 send all there is.
    run_session(md, "TOP 1 1\r\nTOP 2 99999999\r\nTOP 2 99999999\r\nTOP 3 0\r\nRETR 1\r\nRETR 1\r\nQUIT\r\n", &totals);
    CHECK(totals.retrieved == 1);
    CHECK(totals.retrieved_octets == 24);
    CHECK(totals.topped == 2);
    CHECK(totals.topped_octets == 20 + 14);
    // TOP does not flag a message seen; RETR does.
    CHECK(md.exists("cur/1.a.h:2,S"));
    CHECK(md.exists("cur/2.b.h:2,"));
    CHECK(md.exists("cur/3.c.h:2,"));
}

TEST_CASE("a TOP of a large message read in many pieces, its lines cut between them, counts as whole") {
    test::TempMaildir md;
    std::string body;
    while (body.size() < 600 * 1024) body += std::string(997, 'x') + "\n";
    md.put("cur/1.big.h:2,", "Subject: big\n\n" + body + "no final newline");
    SessionTotals totals;
    run_session(md, "TOP 1 100000000\r\nTOP 1 10\r\nQUIT\r\n", &totals);
    CHECK(totals.topped == 1);
    CHECK(totals.retrieved == 0);
}

TEST_CASE("a message another session removed is neither retrieved nor deleted, but vanished") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "Subject: a\n\n");
    md.put("cur/2.b.h:2,", "Subject: b\n\n");
    md.put("cur/3.c.h:2,", "Subject: c\n\n");
    SessionTotals totals;
    std::string out = run_session(md, "RETR 1\r\nDELE 1\r\nRETR 2\r\nDELE 2\r\nDELE 3\r\nQUIT\r\n", &totals, [&] {
        std::filesystem::remove(md.path() / "cur/1.a.h:2,");
        std::filesystem::remove(md.path() / "cur/3.c.h:2,");
    });
    CHECK(out.starts_with("-ERR [SYS/PERM] message is gone"));
    CHECK(totals.retrieved == 1);
    CHECK(totals.retrieved_octets == 14);
    CHECK(totals.deleted == 1);
    CHECK(totals.deleted_octets == 14);
    CHECK(totals.vanished == 2);
    CHECK(totals.vanished_octets == 28);
    CHECK(totals.delete_failures == 0);
    CHECK(out.ends_with("+OK bye\r\n"));
}

TEST_CASE("UPDATE records in maildirsize what it unlinked, by S= or size on disk") {
    test::TempMaildir md;
    md.put("maildirsize", "200000S\n0 0\n");
    md.put("cur/1.a.h,S=514:2,", "Subject: a\n\n");   // the name's S= counts, not the file
    md.put("cur/2.b.h:2,", "Subject: b\n\nline\n");   // 17 bytes on disk, 20 as sent
    md.put("cur/3.c.h:2,", "Subject: c\n\n");          // gone before QUIT: not counted
    md.put("cur/4.d.h:2,", "Subject: d\n\n");          // kept
    SessionTotals totals;
    run_session(md, "DELE 1\r\nDELE 2\r\nDELE 3\r\nRETR 4\r\nQUIT\r\n", &totals,
                [&] { std::filesystem::remove(md.path() / "cur/3.c.h:2,"); });
    std::ifstream in(md.path() / "maildirsize");
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "200000S\n0 0\n-531 -2\n");
    CHECK(totals.deleted == 2);
    CHECK(totals.vanished == 1);
}

TEST_CASE("a session that deletes nothing, or ends without QUIT, leaves maildirsize alone") {
    test::TempMaildir md;
    md.put("maildirsize", "200000S\n0 0\n");
    md.put("cur/1.a.h:2,", "Subject: a\n\n");
    run_session(md, "RETR 1\r\nQUIT\r\n");
    run_session(md, "DELE 1\r\n");
    std::ifstream in(md.path() / "maildirsize");
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "200000S\n0 0\n");
    CHECK(md.exists("cur/1.a.h:2,S"));
}
