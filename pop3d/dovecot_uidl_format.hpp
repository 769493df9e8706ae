// Dovecot 2.3's pop3_uidl_format, the part of its syntax a UIDL can use: so
// that postern answers the UIDLs Dovecot gave, whatever format it was set to.
//   %%                  a percent sign
//   %[0][width][L|U|X]…(u|v|f|g)   or the long names %{uid} %{uidvalidity} %{filename} %{guid}
// u: the message's UID, v: the mailbox's UIDVALIDITY, f: the base file name
// (up to ':'), g: the GUID the uidlist gives, else the base file name.
// Modifiers apply left to right: X reads the value as a decimal number and
// writes it in lower-case hex (0 when it is none), L and U change case. A
// width pads with zeros when it starts with 0, else cuts the value to that
// width. Anything else (%m needs the header's MD5, offsets, other modifiers,
// functions) is refused when the setting is read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::pop3d {

inline constexpr std::string_view dovecot_default_uidl_format = "%08Xu%08Xv";

struct DovecotUidlFields {
    uint32_t uid = 0;
    uint32_t uid_validity = 0;
    std::string_view base_name;
    std::string_view guid;  // empty: the base name stands for it
};

class DovecotUidlFormat {
public:
    // nullopt for a format outside the subset above.
    static std::optional<DovecotUidlFormat> parse(std::string_view format);
    // Appends the UIDL of `fields` to `out`.
    void render(const DovecotUidlFields& fields, std::string& out) const;

private:
    enum class Variable : uint8_t { literal, uid, uid_validity, base_name, guid };
    struct Piece {
        Variable variable = Variable::literal;
        std::string literal;      // for Variable::literal
        std::string modifiers;    // 'L', 'U', 'X', in order
        unsigned width = 0;       // 0: none
        bool zero_padding = false;
    };
    std::vector<Piece> pieces_;
};

}  // namespace postern::pop3d
