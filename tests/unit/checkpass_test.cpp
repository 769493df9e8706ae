// postern-checkpass and postern-passwd's parts: the fd-3 request, the
// password file, crypt(3) and APOP checks, and the file edit.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "checkpass/apop.hpp"
#include "checkpass/atomic_rewrite.hpp"
#include "checkpass/constant_time.hpp"
#include "checkpass/crypt_hash.hpp"
#include "checkpass/password_file.hpp"
#include "checkpass/password_file_edit.hpp"
#include "checkpass/request.hpp"

using namespace postern;
using namespace postern::checkpass;
using namespace std::string_view_literals;

namespace {
// A private temporary folder, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char pattern[] = "/tmp/postern-unit.XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text, mode_t mode) {
        std::string file = path / name;
        std::ofstream(file, std::ios::binary) << text;
        ::chmod(file.c_str(), mode);
        return file;
    }
};
}  // namespace

TEST_CASE("request: user, password, timestamp", "[checkpass]") {
    Request r;
    REQUIRE(parse_request("alice\0secret\0<1.2@h>\0"sv, r));
    CHECK(r.user == "alice");
    CHECK(r.password == "secret");
    CHECK(r.timestamp == "<1.2@h>");
    REQUIRE(parse_request("alice\0secret\0"sv, r));
    CHECK(r.timestamp.empty());
    REQUIRE(parse_request("alice\0secret\0stamp"sv, r));  // timestamp without its NUL
    CHECK(r.timestamp == "stamp");
    CHECK_FALSE(parse_request("alice"sv, r));
    CHECK_FALSE(parse_request("alice\0secret"sv, r));
    CHECK_FALSE(parse_request(""sv, r));
}

TEST_CASE("request: at most 512 bytes are read from fd 3", "[checkpass]") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    std::string big(600, 'x');
    REQUIRE(::write(ends[1], big.data(), big.size()) == 600);
    InputBuffer input;
    CHECK(read_checkpassword_input(ends[0], input, Deadline::after_seconds(5)) == InputStatus::ok);
    CHECK(input.size() == 512);
    ::close(ends[1]);
}

TEST_CASE("request: a writer that never closes times out", "[checkpass]") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    REQUIRE(::write(ends[1], "a\0b\0", 4) == 4);
    InputBuffer input;
    CHECK(read_checkpassword_input(ends[0], input, Deadline::after_ms(50)) == InputStatus::timeout);
    ::close(ends[1]);
}

TEST_CASE("password file: the line forms", "[checkpass]") {
    PasswordEntry e;
    REQUIRE(parse_password_line("alice:$6$salt$hash", e));
    CHECK(e.name == "alice");
    CHECK(e.hash == "$6$salt$hash");
    CHECK(e.apop_secret.empty());
    CHECK_FALSE(e.mapped);
    REQUIRE(parse_password_line("bob:$y$x:apop secret", e));
    CHECK(e.apop_secret == "apop secret");
    REQUIRE(parse_password_line("carol:*::1001:1002:/var/mail/carol", e));
    CHECK(e.mapped);
    CHECK(e.uid == 1001);
    CHECK(e.gid == 1002);
    CHECK(e.home == "/var/mail/carol");
    CHECK(format_password_line(e) == "carol:*::1001:1002:/var/mail/carol");
    for (const char* bad : {"alice", "alice:h:s:1:2", "alice:h:s:1:2:/h:extra", ":h", "al ice:h",
                            "d:h:s:x:2:/h", "d:h:s:1:2:relative", "d:h:s:4294967295:2:/h", "d:h\t:s"}) {
        INFO(bad);
        CHECK_FALSE(parse_password_line(bad, e));
    }
}

TEST_CASE("password file: lookup, bad lines, permissions", "[checkpass]") {
    TempDir dir;
    std::string text = "# mail users\n\nbroken line\nalice:h1\nalice:h2\nbob:h3:s3:1001:1001:/home/bob\n";
    std::string file = dir.write("passwd", text, 0600);
    PasswordEntry e;
    REQUIRE(find_in_password_file(file, "alice", e) == FileLookup::found);
    CHECK(e.hash == "h1");  // the first line wins
    REQUIRE(find_in_password_file(file, "bob", e) == FileLookup::found);
    CHECK(e.home == "/home/bob");
    CHECK(find_in_password_file(file, "carol", e) == FileLookup::not_found);
    CHECK(find_in_password_file(file + ".missing", "alice", e) == FileLookup::unreadable);
    ::chmod(file.c_str(), 0644);
    CHECK(find_in_password_file(file, "alice", e) == FileLookup::insecure);
}

TEST_CASE("crypt: schemes the system knows", "[checkpass]") {
    // openssl passwd -6 -salt saltsalt secret, and -5, -1; mkpasswd -m bcrypt.
    std::string sha512 = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
    std::string sha256 = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";
    std::string bcrypt = "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a";
    for (const std::string& hash : {sha512, sha256, bcrypt}) {
        INFO(hash);
        CHECK(verify_password("secret", hash));
        CHECK_FALSE(verify_password("Secret", hash));
        CHECK_FALSE(verify_password("", hash));
    }
    auto fresh = make_password_hash("correct horse");
    REQUIRE(fresh);
    CHECK(verify_password("correct horse", *fresh));
    CHECK_FALSE(verify_password("correct horse ", *fresh));
}

TEST_CASE("crypt: locked, empty and unknown hashes match nothing", "[checkpass]") {
    CHECK(is_locked_hash(""));
    CHECK(is_locked_hash("!$6$saltsalt$x"));
    CHECK(is_locked_hash("*"));
    CHECK_FALSE(is_locked_hash("$6$a$b"));
    CHECK_FALSE(verify_password("secret", "!$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"));
    CHECK_FALSE(verify_password("secret", "$99$unknown$scheme"));
    CHECK_FALSE(verify_password("secret", "garbage"));
    burn_password_check("secret");  // must not crash, whatever the default scheme
}

TEST_CASE("APOP: RFC 1939's example", "[checkpass]") {
    std::string_view stamp = "<1896.697170952@dbc.mtview.ca.us>";
    CHECK(verify_apop("c4c9334bac560ecc979e58001b3e22fb", stamp, "tanstaaf"));
    CHECK(verify_apop("C4C9334BAC560ECC979E58001B3E22FB", stamp, "tanstaaf"));
    CHECK_FALSE(verify_apop("c4c9334bac560ecc979e58001b3e22fc", stamp, "tanstaaf"));
    CHECK_FALSE(verify_apop("c4c9334bac560ecc979e58001b3e22fb", stamp, "tanstaaF"));
    CHECK_FALSE(verify_apop("c4c9334bac560ecc979e58001b3e22fb", "", "tanstaaf"));
    CHECK_FALSE(verify_apop("c4c9334bac560ecc979e58001b3e22fb", stamp, ""));
    CHECK(is_apop_digest("c4c9334bac560ecc979e58001b3e22fb"));
    CHECK_FALSE(is_apop_digest("c4c9334bac560ecc979e58001b3e22f"));
    CHECK_FALSE(is_apop_digest("g4c9334bac560ecc979e58001b3e22fb"));
}

TEST_CASE("constant-time comparison", "[checkpass]") {
    CHECK(equal_constant_time("abc", "abc"));
    CHECK_FALSE(equal_constant_time("abc", "abd"));
    CHECK_FALSE(equal_constant_time("abc", "ab"));
    CHECK(equal_constant_time("", ""));
}

TEST_CASE("password edit: add, change, remove; other lines kept", "[checkpass]") {
    std::string old = "# comment\nbroken line\nalice:old::1001:1001:/home/a\nbob:h";  // no final newline
    PasswordEdit change;
    change.name = "alice";
    change.hash = "new";
    EditResult changed = apply_password_edit(old, change);
    CHECK(changed.found);
    CHECK(changed.text == "# comment\nbroken line\nalice:new::1001:1001:/home/a\nbob:h\n");

    PasswordEdit add;
    add.name = "carol";
    add.hash = "h3";
    add.apop_secret = "s3";
    EditResult added = apply_password_edit(old, add);
    CHECK_FALSE(added.found);
    CHECK(added.text == "# comment\nbroken line\nalice:old::1001:1001:/home/a\nbob:h\ncarol:h3:s3\n");

    PasswordEdit remap;
    remap.name = "bob";
    remap.hash = "h4";
    remap.set_mapping = true;
    remap.uid = 5;
    remap.gid = 6;
    remap.home = "/v/bob";
    CHECK(apply_password_edit(old, remap).text == "# comment\nbroken line\nalice:old::1001:1001:/home/a\nbob:h4::5:6:/v/bob\n");

    PasswordEdit remove;
    remove.name = "alice";
    remove.remove = true;
    EditResult removed = apply_password_edit(old, remove);
    CHECK(removed.found);
    CHECK(removed.text == "# comment\nbroken line\nbob:h\n");
    remove.name = "nobody";
    CHECK_FALSE(apply_password_edit(old, remove).found);
}

TEST_CASE("atomic rewrite: content replaced, mode kept, no temporary left", "[checkpass]") {
    TempDir dir;
    std::string file = dir.write("passwd", "old\n", 0640);
    LockedFile locked;
    REQUIRE(lock_file(file, locked));
    std::string content;
    REQUIRE(read_locked_file(locked, content));
    CHECK(content == "old\n");
    REQUIRE(replace_locked_file(locked, "new\n"));
    std::ifstream in(file);
    std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(now == "new\n");
    struct stat st{};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK_FALSE(std::filesystem::exists(file + ".tmp"));

    LockedFile created;
    REQUIRE(lock_file((dir.path / "fresh").string(), created));
    REQUIRE(::stat((dir.path / "fresh").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
}
