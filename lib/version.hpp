// postern's version: the one place it is written. debian/changelog carries
// the same number, and debian/rules refuses to build a package that differs.
#pragma once
#include <string_view>

namespace postern {

inline constexpr std::string_view version = "0.1.0";

// "PROG -V", with -V as the only argument, asks for the version. The
// programs take positional arguments (a HOST, a program, a Maildir) in the
// qmail manner, and none of those is "-V" alone in a working command line
// (a Maildir of that name is written ./-V), so no other reading is lost.
inline bool version_asked(int argc, char** argv) { return argc == 2 && std::string_view(argv[1]) == "-V"; }

// Writes "PROGRAM VERSION\n" on fd 1; 0 when it was written, 111 otherwise.
int print_version(std::string_view program);

}  // namespace postern
