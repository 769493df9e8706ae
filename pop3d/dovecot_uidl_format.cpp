#include "dovecot_uidl_format.hpp"

#include <cctype>
#include <charconv>
#include <iterator>

#include "decimal.hpp"

namespace postern::pop3d {

namespace {

constexpr unsigned max_width = 255;
constexpr size_t max_modifiers = 10;  // Dovecot's own limit per variable

struct NamedVariable {
    char key;
    std::string_view name;
};
constexpr NamedVariable variables[] = {
    {'u', "uid"}, {'v', "uidvalidity"}, {'f', "filename"}, {'g', "guid"}};

int variable_index(char key) {
    for (int i = 0; i < int(std::size(variables)); ++i)
        if (variables[i].key == key) return i;
    return -1;
}

int variable_index(std::string_view name) {
    for (int i = 0; i < int(std::size(variables)); ++i)
        if (variables[i].name == name) return i;
    return -1;
}

std::string decimal_text(uint64_t n) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    return std::string(digits, end);
}

// Dovecot's X: the value as a decimal number, in lower-case hex; 0 when it is none.
std::string as_hex(const std::string& value) {
    uint64_t n = parse_decimal(value).value_or(0);
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, n, 16).ptr;
    return std::string(digits, end);
}

// A width pads with zeros or cuts; the value is appended.
void append_fitted(std::string_view value, unsigned width, bool zero_padding, std::string& out) {
    if (zero_padding && value.size() < width) out.append(width - value.size(), '0');
    if (!zero_padding && width != 0 && value.size() > width) value = value.substr(0, width);
    out += value;
}

}  // namespace

std::optional<DovecotUidlFormat> DovecotUidlFormat::parse(std::string_view format) {
    DovecotUidlFormat parsed;
    auto literal = [&](char c) {
        if (parsed.pieces_.empty() || parsed.pieces_.back().variable != Variable::literal) parsed.pieces_.emplace_back();
        parsed.pieces_.back().literal += c;
    };
    size_t i = 0;
    while (i < format.size()) {
        char c = format[i++];
        if (c != '%') {
            literal(c);
            continue;
        }
        if (i < format.size() && format[i] == '%') {
            literal(format[i++]);
            continue;
        }
        Piece piece;
        if (i < format.size() && format[i] == '0') piece.zero_padding = true, ++i;
        while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
            piece.width = piece.width * 10 + unsigned(format[i++] - '0');
            if (piece.width > max_width) return std::nullopt;
        }
        while (i < format.size() && std::string_view("LUX").find(format[i]) != std::string_view::npos) {
            if (piece.modifiers.size() == max_modifiers) return std::nullopt;
            piece.modifiers += format[i++];
        }
        if (i == format.size()) return std::nullopt;
        int index = -1;
        if (format[i] == '{') {
            size_t close = format.find('}', i);
            if (close == std::string_view::npos) return std::nullopt;
            index = variable_index(format.substr(i + 1, close - i - 1));
            i = close + 1;
        } else {
            index = variable_index(format[i++]);
        }
        if (index < 0) return std::nullopt;
        piece.variable = Variable(index + 1);
        parsed.pieces_.push_back(std::move(piece));
    }
    if (parsed.pieces_.empty()) return std::nullopt;  // Dovecot refuses an empty format too
    return parsed;
}

void DovecotUidlFormat::render(const DovecotUidlFields& fields, std::string& out) const {
    for (const Piece& piece : pieces_) {
        if (piece.variable == Variable::literal) {
            out += piece.literal;
            continue;
        }
        bool numeric = piece.variable == Variable::uid || piece.variable == Variable::uid_validity;
        uint32_t number = piece.variable == Variable::uid ? fields.uid : fields.uid_validity;
        // The usual case, a number in decimal or hex, without a copy: a list holds up to millions.
        if (numeric && (piece.modifiers.empty() || piece.modifiers == "X")) {
            char digits[16];
            auto end = std::to_chars(digits, digits + sizeof digits, number, piece.modifiers.empty() ? 10 : 16).ptr;
            append_fitted(std::string_view(digits, size_t(end - digits)), piece.width, piece.zero_padding, out);
            continue;
        }
        std::string value;
        if (numeric) value = decimal_text(number);
        else if (piece.variable == Variable::base_name || fields.guid.empty()) value = fields.base_name;
        else value = fields.guid;
        for (char modifier : piece.modifiers) {
            if (modifier == 'X') value = as_hex(value);
            for (char& c : value) {
                if (modifier == 'L') c = char(std::tolower(static_cast<unsigned char>(c)));
                if (modifier == 'U') c = char(std::toupper(static_cast<unsigned char>(c)));
            }
        }
        append_fitted(value, piece.width, piece.zero_padding, out);
    }
}

}  // namespace postern::pop3d
