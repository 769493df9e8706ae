// The message encoder (lib/message_encoding): how RETR and TOP send a file,
// and how its octet count is taken. The input is the file; the chunks it is
// fed in and the writer's buffer size come from a hash of it.
// Invariants:
//  - the encoded size less the stuffed dots and the ".\r\n" terminator is the
//    counted size, and the count does not depend on the chunks;
//  - un-stuffing the answer gives the file with CRLF line ends (a CRLF added
//    to an unterminated last line), and no line before the end is ".";
//  - TOP n is a prefix of RETR: the headers, the blank line and n body lines;
//    the encoder asks for no more input once it has them;
//  - the encoder has consumed the whole file exactly when it sent all of it
//    (always for RETR; for TOP when the lines asked for reach past the body);
//  - the bytes sent are the same for every buffer size and every split.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "check.hpp"
#include "message_encoding.hpp"
#include "writer.hpp"

using namespace postern;

namespace {

constexpr std::string_view ok_line = "+OK 1234 octets\r\n";  // the caller's, in the same buffer

// The file as POP3 transmits it, before dot-stuffing.
std::string with_crlf(std::string_view file) {
    std::string out;
    for (size_t i = 0; i < file.size(); ++i) {
        if (file[i] == '\n' && (i == 0 || file[i - 1] != '\r')) out += '\r';
        out += file[i];
    }
    if (!file.empty() && file.back() != '\n') out += "\r\n";
    return out;
}

// The first `body_lines` lines after the first blank line, and all before it.
std::string top_of(const std::string& crlf, uint64_t body_lines) {
    size_t at = 0;
    bool in_body = false;
    while (at < crlf.size()) {
        if (in_body && body_lines == 0) break;
        size_t end = crlf.find('\n', at) + 1;  // every line of `crlf` ends in LF
        if (in_body) --body_lines;
        else if (end - at == 2) in_body = true;
        at = end;
    }
    return crlf.substr(0, at);
}

struct Encoded {
    std::string text;
    bool asked_to_stop = false;
    uint64_t consumed = 0;
};

Encoded encode(std::string_view file, uint64_t body_lines, size_t capacity, fuzz::SplitSource& splits) {
    static int memory = ::memfd_create("fuzz-encoded", MFD_CLOEXEC);
    FUZZ_CHECK(memory >= 0);
    (void)!::ftruncate(memory, 0);
    ::lseek(memory, 0, SEEK_SET);
    Encoded encoded;
    {
        Writer out(memory, capacity);
        out.put(ok_line);
        MessageEncoder encoder(out, body_lines);
        while (!file.empty()) {
            size_t n = std::min(file.size(), splits.next(300));
            bool more = encoder.feed(file.substr(0, n));
            file.remove_prefix(n);
            if (!more) {
                encoded.asked_to_stop = true;
                break;
            }
        }
        encoder.finish();
        encoded.consumed = encoder.consumed();
        FUZZ_CHECK(out.flush());
    }
    encoded.text.resize(size_t(::lseek(memory, 0, SEEK_END)));
    FUZZ_CHECK(::pread(memory, encoded.text.data(), encoded.text.size(), 0) == ssize_t(encoded.text.size()));
    FUZZ_CHECK(encoded.text.starts_with(ok_line));
    encoded.text.erase(0, ok_line.size());
    return encoded;
}

// The answer without its terminator and with one '.' taken off each line that starts with one.
std::string unstuffed(const std::string& answer, size_t& stuffed) {
    FUZZ_CHECK(answer.ends_with(".\r\n") && (answer.size() == 3 || answer[answer.size() - 4] == '\n'));
    std::string_view body(answer.data(), answer.size() - 3);
    std::string out;
    stuffed = 0;
    while (!body.empty()) {
        size_t end = body.find('\n');
        FUZZ_CHECK(end != std::string_view::npos && end > 0 && body[end - 1] == '\r');
        std::string_view line = body.substr(0, end + 1);
        FUZZ_CHECK(line != ".\r\n");
        if (line[0] == '.') {
            FUZZ_CHECK(line[1] == '.');  // only a stuffed dot can start a line
            line.remove_prefix(1);
            ++stuffed;
        }
        out += line;
        body.remove_prefix(end + 1);
    }
    return out;
}

size_t any_capacity(fuzz::SplitSource& splits) {
    constexpr size_t sizes[] = {8, 13, 64, 1000, 4096, Writer::default_capacity};
    return sizes[splits.next(std::size(sizes)) - 1];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view file = fuzz::as_text(bytes, size);
    fuzz::SplitSource splits(file);
    const std::string crlf = with_crlf(file);

    TransmitSizeCounter counter;
    for (std::string_view rest = file; !rest.empty();) {
        size_t n = std::min(rest.size(), splits.next(200));
        counter.feed(rest.substr(0, n));
        rest.remove_prefix(n);
    }
    FUZZ_CHECK(counter.total() == crlf.size());

    Encoded retr = encode(file, MessageEncoder::whole_message, any_capacity(splits), splits);
    FUZZ_CHECK(!retr.asked_to_stop);
    FUZZ_CHECK(retr.consumed == file.size());
    size_t stuffed = 0;
    FUZZ_CHECK(unstuffed(retr.text, stuffed) == crlf);
    FUZZ_CHECK(retr.text.size() - stuffed - 3 == counter.total());
    FUZZ_CHECK(encode(file, MessageEncoder::whole_message, any_capacity(splits), splits).text == retr.text);

    for (uint64_t lines : {uint64_t(0), uint64_t(1), uint64_t(splits.next(20))}) {
        Encoded top = encode(file, lines, any_capacity(splits), splits);
        std::string expected = top_of(crlf, lines);
        // Equal although encode() fed nothing more once asked to stop: it had all it needed by then.
        FUZZ_CHECK(unstuffed(top.text, stuffed) == expected);
        FUZZ_CHECK((top.consumed == file.size()) == (expected == crlf));
        FUZZ_CHECK(retr.text.starts_with(std::string_view(top.text).substr(0, top.text.size() - 3)));
    }
    return 0;
}
