// postern-bench-maildir: writes the benchmark's Maildirs, deterministically, and
// puts one back to the state it was written in.
//
//   postern-bench-maildir make  DIR mixed|small COUNT MAXBYTES SEED
//   postern-bench-maildir reset DIR mixed|small COUNT MAXBYTES SEED
//
// make writes DIR/{new,cur,tmp} (DIR must not exist). reset moves every message
// back to the directory and name make gave it and removes everything else at
// the top of DIR and in tmp/ (servers' index and size-cache files), so the
// next session finds a Maildir as freshly delivered: no cache, nothing moved.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fd.hpp"
#include "message_plan.hpp"
#include "message_text.hpp"

using namespace bench;
using postern::Fd;

namespace {

[[noreturn]] void die_usage() {
    std::fputs("usage: postern-bench-maildir make|reset DIR mixed|small COUNT MAXBYTES SEED\n", stderr);
    std::exit(2);
}

[[noreturn]] void die_sys(const char* what, const std::string& path) {
    std::fprintf(stderr, "postern-bench-maildir: %s %s: %s\n", what, path.c_str(), std::strerror(errno));
    std::exit(111);
}

uint64_t parse_number(const char* s) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (errno || end == s || *end) die_usage();
    return v;
}

std::string path_of(const std::string& dir, const MessagePlan& m) {
    return dir + (m.in_new ? "/new/" : "/cur/") + m.name;
}

void write_file(const std::string& path, const std::string& text, uint64_t mtime) {
    Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) die_sys("cannot create", path);
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die_sys("cannot write", path);
        done += size_t(n);
    }
    timespec times[2] = {{time_t(mtime), 0}, {time_t(mtime), 0}};
    if (futimens(fd.get(), times) != 0) die_sys("cannot set the time of", path);
}

int make_box(const std::string& dir, const BoxSpec& spec) {
    for (const char* sub : {"", "/new", "/cur", "/tmp"}) {
        if (mkdir((dir + sub).c_str(), 0700) != 0) die_sys("cannot create", dir + sub);
    }
    uint64_t bytes = 0, in_new = 0, crlf = 0, attached = 0;
    std::string text;
    auto box = plan_box(spec);
    for (const MessagePlan& m : box) {
        write_message_text(m, text);
        write_file(path_of(dir, m), text, m.time);
        bytes += text.size();
        in_new += m.in_new;
        crlf += m.crlf;
        attached += m.attachment;
    }
    std::printf("messages %zu bytes %llu in_new %llu crlf %llu attachments %llu\n", box.size(),
                (unsigned long long)bytes, (unsigned long long)in_new, (unsigned long long)crlf,
                (unsigned long long)attached);
    return 0;
}

// Every entry of DIR/sub that is not "." or "..": name -> sub.
void list_into(const std::string& dir, const char* sub, std::unordered_map<std::string, std::string>& where) {
    DIR* d = opendir((dir + "/" + sub).c_str());
    if (!d) die_sys("cannot open", dir + "/" + sub);
    while (dirent* e = readdir(d)) {
        std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string_view base = name.substr(0, name.find(':'));
        where.emplace(std::string(base), std::string(sub) + "/" + std::string(name));
    }
    closedir(d);
}

// Removes the plain files in DIR (not its directories): a server's caches.
void remove_files_in(const std::string& dir) {
    DIR* d = opendir(dir.c_str());
    if (!d) die_sys("cannot open", dir);
    while (dirent* e = readdir(d)) {
        std::string path = dir + "/" + e->d_name;
        struct stat st;
        if (lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
        if (unlink(path.c_str()) != 0) die_sys("cannot remove", path);
    }
    closedir(d);
}

int reset_box(const std::string& dir, const BoxSpec& spec) {
    std::unordered_map<std::string, std::string> where;
    where.reserve(spec.max_count);
    list_into(dir, "new", where);
    list_into(dir, "cur", where);
    remove_files_in(dir);
    remove_files_in(dir + "/tmp");
    size_t moved = 0;
    for (const MessagePlan& m : plan_box(spec)) {
        auto it = where.find(m.base);
        if (it == where.end()) {
            std::fprintf(stderr, "postern-bench-maildir: %s is missing from %s\n", m.base.c_str(), dir.c_str());
            return 111;
        }
        std::string want = std::string(m.in_new ? "new/" : "cur/") + m.name;
        if (it->second != want) {
            if (rename((dir + "/" + it->second).c_str(), (dir + "/" + want).c_str()) != 0)
                die_sys("cannot rename", dir + "/" + it->second);
            ++moved;
        }
        where.erase(it);
    }
    if (!where.empty()) {
        std::fprintf(stderr, "postern-bench-maildir: %zu files in %s were not written by make\n", where.size(),
                     dir.c_str());
        return 111;
    }
    std::printf("moved %zu\n", moved);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7) die_usage();
    std::string_view command = argv[1];
    std::string dir = argv[2];
    BoxSpec spec;
    std::string_view kind = argv[3];
    if (kind == "mixed") spec.kind = BoxKind::mixed;
    else if (kind == "small") spec.kind = BoxKind::small;
    else die_usage();
    spec.max_count = parse_number(argv[4]);
    spec.max_bytes = parse_number(argv[5]);
    spec.seed = parse_number(argv[6]);
    if (command == "make") return make_box(dir, spec);
    if (command == "reset") return reset_box(dir, spec);
    die_usage();
}
