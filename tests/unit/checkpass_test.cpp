// postern-checkpass and postern-passwd's parts: the fd-3 request, the
// password file, crypt(3) and APOP checks, and the file edit.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <paths.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "checkpass/apop.hpp"
#include "checkpass/atomic_rewrite.hpp"
#include "checkpass/constant_time.hpp"
#include "checkpass/crypt_hash.hpp"
#include "checkpass/password_file.hpp"
#include "checkpass/password_file_edit.hpp"
#include "checkpass/password_file_lookup.hpp"
#include "checkpass/request.hpp"
#include "checkpass/system_account.hpp"
#include "drop_privileges.hpp"

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
    REQUIRE(read_password_line("alice:$6$salt$hash", e) == LineKind::entry);
    CHECK(e.name == "alice");
    CHECK(e.hash == "$6$salt$hash");
    CHECK(e.apop_secret.empty());
    CHECK_FALSE(e.mapped);
    REQUIRE(read_password_line("bob:$y$x:apop secret", e) == LineKind::entry);
    CHECK(e.apop_secret == "apop secret");
    REQUIRE(read_password_line("carol:*::1001:1002:/var/mail/carol", e) == LineKind::entry);
    CHECK(e.mapped);
    CHECK(e.uid == 1001);
    CHECK(e.gid == 1002);
    CHECK(e.home == "/var/mail/carol");
    CHECK(format_password_line(e) == "carol:*::1001:1002:/var/mail/carol");
    for (const char* bad : {"alice", "alice:h:s:1:2", "alice:h:s:1:2:/h:extra", ":h", "al ice:h",
                            "d:h:s:x:2:/h", "d:h:s:1:2:relative", "d:h:s:4294967295:2:/h", "d:h\t:s"}) {
        INFO(bad);
        CHECK(read_password_line(bad, e) == LineKind::malformed);
    }
    CHECK(read_password_line("", e) == LineKind::blank);
    CHECK(read_password_line("#alice:h", e) == LineKind::blank);
}

TEST_CASE("password file: one line limit, at max_password_line bytes", "[checkpass]") {
    PasswordEntry e;
    std::string prefix = "alice:h::1:1:/";
    std::string at_limit = prefix + std::string(max_password_line - prefix.size(), 'd');
    REQUIRE(at_limit.size() == max_password_line);
    CHECK(read_password_line(at_limit, e) == LineKind::entry);
    CHECK(read_password_line(at_limit + "d", e) == LineKind::too_long);
    CHECK(std::string(line_problem(LineKind::too_long)) == "too-long");
}

TEST_CASE("password file: a name may not start with '#'", "[checkpass]") {
    CHECK_FALSE(valid_entry_name("#alice"));
    CHECK_FALSE(valid_entry_name("#"));
    CHECK(valid_entry_name("al#ice"));
    CHECK_FALSE(valid_entry_name(std::string(256, 'a')));
}

TEST_CASE("password file: lookup, bad lines, permissions", "[checkpass]") {
    TempDir dir;
    std::string text = "# mail users\n\nbroken line\nalice:h1\nbob:h3:s3:1001:1001:/home/bob\n";
    std::string file = dir.write("passwd", text, 0600);
    PasswordEntry e;
    REQUIRE(find_in_password_file(file, "alice", e).status == FileLookup::found);
    CHECK(e.hash == "h1");
    REQUIRE(find_in_password_file(file, "bob", e).status == FileLookup::found);
    CHECK(e.home == "/home/bob");
    CHECK(find_in_password_file(file, "carol", e).status == FileLookup::not_found);
    FileLookupResult missing = find_in_password_file(file + ".missing", "alice", e);
    CHECK(missing.status == FileLookup::unreadable);
    CHECK(missing.error == ENOENT);
    ::chmod(file.c_str(), 0644);
    // No system call failed: no errno for the log to report (it said error="Success").
    FileLookupResult insecure = find_in_password_file(file, "alice", e);
    CHECK(insecure.status == FileLookup::insecure);
    CHECK(insecure.error == 0);
}

TEST_CASE("password file: two entries for a name are a duplicate, not the first one", "[checkpass]") {
    TempDir dir;
    std::string file = dir.write("passwd", "alice:h1\nbob:h3\n#alice:h0\nalice:h2\n", 0600);
    PasswordEntry e;
    CHECK(find_in_password_file(file, "alice", e).status == FileLookup::duplicate);
    CHECK(find_in_password_file(file, "bob", e).status == FileLookup::found);
}

TEST_CASE("password file: a line over the limit is skipped by the lookup as by the edit", "[checkpass]") {
    TempDir dir;
    std::string long_line = "alice:h::1:1:/" + std::string(max_password_line, 'd');
    std::string file = dir.write("passwd", long_line + "\n", 0600);
    PasswordEntry e;
    CHECK(find_in_password_file(file, "alice", e).status == FileLookup::not_found);
    PasswordEdit remove;
    remove.name = "alice";
    remove.remove = true;
    EditResult removed = apply_password_edit(long_line + "\n", remove);
    CHECK_FALSE(removed.found);
    REQUIRE(removed.bad_lines.size() == 1);
    CHECK(removed.bad_lines[0].number == 1);
    CHECK(removed.bad_lines[0].kind == LineKind::too_long);
}

namespace {
bool matches(std::string_view password, const std::string& hash) {
    return verify_password(password, hash).result == PasswordCheck::match;
}
bool mismatches(std::string_view password, const std::string& hash) {
    return verify_password(password, hash).result == PasswordCheck::mismatch;
}

// libxcrypt's yescrypt of "secret" with Debian's default cost (16 MiB).
const std::string yescrypt = "$y$j9T$6Vgq6Q5BWF8mv3JYopspd.$5GbbzJpgrBScpzskyLh4g/ZJOHJjkfbbmSF4Y7tGLN5";

// The address space in use now, in bytes (/proc/self/statm's first field).
size_t address_space_in_use() {
    std::ifstream statm("/proc/self/statm");
    size_t pages = 0;
    statm >> pages;
    return pages * size_t(::sysconf(_SC_PAGESIZE));
}

// verify_password("secret", hash) in a child whose address space may grow
// by `room` bytes only. The child's exit status: 0 match, 1 mismatch,
// 2 crypt failed with an errno and the hash's scheme, 3 crypt failed without.
int verify_with_room(const std::string& hash, size_t room) {
    pid_t pid = ::fork();
    if (pid == 0) {
        rlimit limit{};
        limit.rlim_cur = limit.rlim_max = address_space_in_use() + room;
        if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(4);
        PasswordCheck check = verify_password("secret", hash);
        if (check.result == PasswordCheck::crypt_failed) ::_exit(check.error != 0 && check.scheme == "y" ? 2 : 3);
        ::_exit(check.result == PasswordCheck::match ? 0 : 1);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}
}  // namespace

TEST_CASE("crypt: schemes the system knows", "[checkpass]") {
    // openssl passwd -6 -salt saltsalt secret, and -5, -1; mkpasswd -m bcrypt.
    std::string sha512 = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
    std::string sha256 = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";
    std::string bcrypt = "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a";
    for (const std::string& hash : {sha512, sha256, bcrypt, yescrypt}) {
        INFO(hash);
        CHECK(matches("secret", hash));
        CHECK(mismatches("Secret", hash));
        CHECK(mismatches("", hash));
    }
    auto fresh = make_password_hash("correct horse");
    REQUIRE(fresh);
    CHECK(matches("correct horse", *fresh));
    CHECK(mismatches("correct horse ", *fresh));
}

TEST_CASE("crypt: locked and empty hashes match nothing", "[checkpass]") {
    CHECK(is_locked_hash(""));
    CHECK(is_locked_hash("!$6$saltsalt$x"));
    CHECK(is_locked_hash("*"));
    CHECK_FALSE(is_locked_hash("$6$a$b"));
    // A plain mismatch, not crypt_failed (a temporary failure): the guard
    // answers before crypt(3), which refuses such a setting.
    CHECK(mismatches("secret", "!$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"));
    CHECK(mismatches("secret", "*LK*$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"));
    CHECK(mismatches("secret", ""));
    CHECK(burn_password_check("secret").result == PasswordCheck::mismatch);  // never a match
}

TEST_CASE("crypt: a hash crypt cannot compute is a failure with its errno, not a mismatch", "[checkpass]") {
    PasswordCheck unknown = verify_password("secret", "$99$unknown$scheme");
    CHECK(unknown.result == PasswordCheck::crypt_failed);
    CHECK(unknown.error == EINVAL);
    CHECK(unknown.scheme == "99");
}

// libxcrypt reports the failed allocation as EINVAL, not ENOMEM.
TEST_CASE("crypt: yescrypt without the memory it needs is a crypt failure, not a mismatch", "[checkpass]") {
    CHECK(verify_with_room(yescrypt, size_t(256) << 20) == 0);  // room enough: the right password matches
    CHECK(verify_with_room(yescrypt, size_t(4) << 20) == 2);    // 4 MiB of the 16 it needs
}

TEST_CASE("crypt: a hash's scheme", "[checkpass]") {
    CHECK(hash_scheme(yescrypt) == "y");
    CHECK(hash_scheme("$2b$05$abc") == "2b");
    CHECK(hash_scheme("abJnggxhB/yWI") == "");
    CHECK(hash_scheme("$6") == "");
}

TEST_CASE("system account: a lock mark is '!' or '*' before a hash", "[checkpass]") {
    CHECK(has_lock_mark("!$6$salt$hash"));
    CHECK(has_lock_mark("!!$y$j9T$x$y"));
    CHECK(has_lock_mark("*LK*$6$salt$hash"));
    CHECK_FALSE(has_lock_mark("$6$salt$hash"));
    CHECK_FALSE(has_lock_mark("!"));  // useradd's "no password yet"
    CHECK_FALSE(has_lock_mark("*"));  // a system account's "no password login"
    CHECK_FALSE(has_lock_mark("!!"));
    CHECK_FALSE(has_lock_mark(""));
}

namespace {
// The exit status of `check` run in a child that is not root: nobody when the
// tests run as root, else the user they run as. 99: root could not be dropped.
template <typename F>
int as_non_root(F check) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::geteuid() == 0 && drop_privileges({65534, 65534})) ::_exit(99);
        ::_exit(check());
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}
}  // namespace

TEST_CASE("system account: getspnam is asked only where the shadow file can be read", "[checkpass]") {
    TempDir dir;
    ::chmod(dir.path.c_str(), 0755);
    std::string open_file = dir.write("shadow-0644", "", 0644);
    std::string closed_file = dir.write("shadow-0000", "", 0000);
    CHECK(shadow_file_access(open_file.c_str()) == ShadowFile::usable);
    CHECK(shadow_file_access((dir.path / "none").c_str()) == ShadowFile::usable);  // the other sources answer
    if (::geteuid() == 0) CHECK(shadow_file_access(closed_file.c_str()) == ShadowFile::usable);
    CHECK(as_non_root([&] { return shadow_file_access(closed_file.c_str()) == ShadowFile::unreadable ? 0 : 1; }) == 0);
    CHECK(as_non_root([&] { return shadow_file_access(open_file.c_str()) == ShadowFile::usable ? 0 : 1; }) == 0);
    std::string loop = dir.path / "loop";
    REQUIRE(::symlink(loop.c_str(), loop.c_str()) == 0);
    errno = 0;
    CHECK(shadow_file_access(loop.c_str()) == ShadowFile::failed);
    CHECK(errno == ELOOP);
}

// Debian 12's getspnam, not root, answers NULL with errno 0 for any user
// (nss_files cannot open the file, nss-systemd has no entry), or makes up
// root's: neither is the account's shadow entry.
TEST_CASE("system account: not root, an account in shadow is not taken as one without an entry", "[checkpass]") {
    Account root;
    REQUIRE(find_system_identity("root", root) == SystemLookup::found);
    if (root.hash != "x" || ::access(_PATH_SHADOW, F_OK) != 0) {
        WARN("not run: root's hash is not in " _PATH_SHADOW);
        return;
    }
    int readable = as_non_root([] { return ::access(_PATH_SHADOW, R_OK) == 0 ? 0 : 1; });
    REQUIRE(readable != 99);
    if (readable == 0) {
        WARN("not run: this user may read " _PATH_SHADOW);
        return;
    }
    CHECK(as_non_root([] {
              Account account;
              if (find_system_identity("root", account) != SystemLookup::found) return 2;
              return find_system_lock(account) == SystemLookup::shadow_unreadable ? 0 : 1;
          }) == 0);
    CHECK(as_non_root([] {
              Account account;
              return find_system_account("root", account) == SystemLookup::shadow_unreadable ? 0 : 1;
          }) == 0);
    if (::geteuid() == 0) {
        CHECK(find_system_lock(root) == SystemLookup::found);
        Account again;
        CHECK(find_system_account("root", again) == SystemLookup::found);
    }
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
    REQUIRE(removed.bad_lines.size() == 1);
    CHECK(removed.bad_lines[0].number == 2);
}

TEST_CASE("password edit: every entry for the name goes, none stays live", "[checkpass]") {
    std::string old = "alice:h1::5:6:/v/a\nbob:h\nalice:h2\n#alice:h0\nalice:h3\n";
    PasswordEdit remove;
    remove.name = "alice";
    remove.remove = true;
    EditResult removed = apply_password_edit(old, remove);
    CHECK(removed.found);
    CHECK(removed.duplicates == 2);
    CHECK(removed.text == "bob:h\n#alice:h0\n");

    PasswordEdit change;
    change.name = "alice";
    change.hash = "new";
    EditResult changed = apply_password_edit(old, change);
    CHECK(changed.duplicates == 2);
    CHECK(changed.text == "alice:new::5:6:/v/a\nbob:h\n#alice:h0\n");
}

TEST_CASE("password edit: a line the reader would skip is not written", "[checkpass]") {
    PasswordEdit add;
    add.name = "alice";
    add.hash = "h";
    add.set_mapping = true;
    add.uid = add.gid = 1;
    add.home = "/" + std::string(max_password_line, 'd');
    EditResult added = apply_password_edit("bob:h\n", add);
    CHECK(added.unreadable_line);
    CHECK(added.text.empty());
    add.home = "/home/alice";
    CHECK_FALSE(apply_password_edit("bob:h\n", add).unreadable_line);

    PasswordEdit comment;
    comment.name = "#alice";
    comment.hash = "h";
    CHECK(apply_password_edit("", comment).unreadable_line);
}

TEST_CASE("password edit then lookup: checkpass sees exactly the edit", "[checkpass]") {
    TempDir dir;
    std::string old = "alice:h1\nalice:h2\nbob:h\n";
    PasswordEdit change;
    change.name = "alice";
    change.hash = "new";
    std::string file = dir.write("passwd", apply_password_edit(old, change).text, 0600);
    PasswordEntry e;
    REQUIRE(find_in_password_file(file, "alice", e).status == FileLookup::found);
    CHECK(e.hash == "new");
    PasswordEdit remove;
    remove.name = "alice";
    remove.remove = true;
    file = dir.write("passwd", apply_password_edit(old, remove).text, 0600);
    CHECK(find_in_password_file(file, "alice", e).status == FileLookup::not_found);
}

TEST_CASE("atomic rewrite: a file larger than the bound is not read", "[checkpass]") {
    TempDir dir;
    std::string file = dir.write("passwd", "alice:x\n", 0600);
    REQUIRE(::truncate(file.c_str(), max_password_file + 1) == 0);  // sparse: no disk spent
    LockedFile locked;
    REQUIRE_FALSE(lock_file(file, locked));
    std::string content;
    SystemFailure failed = read_locked_file(locked, content, max_password_file);
    CHECK(std::string(failed.step ? failed.step : "") == "read");
    CHECK(failed.error == EFBIG);
    CHECK(content.empty());
}

TEST_CASE("atomic rewrite: content replaced, mode kept, no temporary left", "[checkpass]") {
    TempDir dir;
    std::string file = dir.write("passwd", "old\n", 0640);
    LockedFile locked;
    // Each answers a SystemFailure: false when nothing failed.
    REQUIRE_FALSE(lock_file(file, locked));
    std::string content;
    REQUIRE_FALSE(read_locked_file(locked, content, max_password_file));
    CHECK(content == "old\n");
    REQUIRE_FALSE(replace_locked_file(locked, "new\n"));
    std::ifstream in(file);
    std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(now == "new\n");
    struct stat st{};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK_FALSE(std::filesystem::exists(file + ".tmp"));

    LockedFile created;
    REQUIRE_FALSE(lock_file((dir.path / "fresh").string(), created));
    REQUIRE(::stat((dir.path / "fresh").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
}
