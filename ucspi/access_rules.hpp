// The -x file as the server holds it: postern's text rules (rules.hpp), a
// cdb made by tcprules (rules_cdb.hpp), or nothing (no -x; or -X and no
// file). A file is read as a cdb when its name ends in ".cdb" or its first
// 2048 bytes hold a NUL byte, which every cdb header does and no text does;
// so an empty or truncated rules.cdb is an error, never an empty text file
// that lets everyone in.
#pragma once
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "cdb.hpp"
#include "rules.hpp"

namespace postern::ucspi {

// Enough of a file's identity to notice that tcprules put a new one in its place.
struct FileStamp {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    int64_t modified_ns = 0, changed_ns = 0;
    bool operator==(const FileStamp&) const = default;
};
FileStamp stamp_of(const char* path);

struct Verdict {
    enum class Status { none, matched, failed } status = Status::none;
    Rule rule;                       // matched: allow or deny, and its variables
    std::optional<std::string> key;  // matched in a cdb: the key (text rules have rule.line)
    std::string why;                 // failed: the cdb could not be read
};

class AccessRules {
public:
    enum class Format { none, text, cdb };

    AccessRules() = default;
    explicit AccessRules(std::vector<Rule> text) : format_(Format::text), text_(std::move(text)) {}
    explicit AccessRules(Cdb db) : format_(Format::cdb), cdb_(std::move(db)) {}

    Format format() const { return format_; }
    size_t size() const;  // text rules, or cdb records

    // What applies to a client: `address` for text rules; for a cdb, the
    // address as tcpserver writes it (tcpserver_address_text) and the host
    // name when -h found one.
    Verdict decide(const IpAddress& address, const std::string& key_address,
                   const std::optional<std::string>& host) const;

private:
    Format format_ = Format::none;
    std::vector<Rule> text_;
    std::optional<Cdb> cdb_;
};

struct LoadedRules {
    AccessRules rules;
    FileStamp stamp;       // of the file read
    bool missing = false;  // -X and no file: no rules
    size_t error_line = 0; // text: the malformed line
    bool malformed = false;  // the file was read and is wrong (else it could not be read)
    std::string error;     // empty when loaded
    size_t host_keys = 0;  // a cdb's =host keys, which only -h makes use of
    size_t info_keys = 0;  // its info@ keys, which need IDENT: never used
    bool ok() const { return error.empty(); }
};

// max_cdb_data bounds one record's data (its variables), as the text limits do.
constexpr uint32_t max_cdb_data = 1 << 16;
constexpr uint64_t max_cdb_file = 64 << 20;

LoadedRules load_access_rules(const std::string& path, bool missing_ok);

// What a run script may not expect of rules just loaded: "rules-missing"
// for no file (-X), "rules-unused" for a cdb's keys that cannot apply:
// info@ keys always (no IDENT), =host keys without -h. tcpserver would use
// them, so the administrator is told rather than left to find out.
void note_rules(const std::string& path, const LoadedRules& loaded, bool host_names);

}  // namespace postern::ucspi
