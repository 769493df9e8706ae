// Log values hold no spaces (lib/log.hpp replaces them); a reason written as
// words reads best with dashes: "no-complete-header-in-time".
#pragma once
#include <algorithm>
#include <string>
#include <string_view>

namespace postern::ucspi {

inline std::string dashed(std::string_view text) {
    std::string out(text);
    std::replace(out.begin(), out.end(), ' ', '-');
    return out;
}

}  // namespace postern::ucspi
