#include "version.hpp"

#include "exit_code.hpp"
#include "writer.hpp"

namespace postern {

int print_version(std::string_view program) {
    Writer out(1, 256);
    out.put(program);
    out.put(" ");
    out.put(version);
    out.put("\n");
    return out.flush() ? exit_ok : exit_temporary;
}

}  // namespace postern
