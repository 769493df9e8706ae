#include "message_text.hpp"

#include <cstdio>
#include <ctime>

#include "rng.hpp"

namespace bench {

namespace {

constexpr const char* words[] = {
    "the", "report", "meeting", "budget", "please", "find", "attached", "invoice", "quarter",
    "server", "mailbox", "delivery", "schedule", "thanks", "regards", "review", "draft",
    "project", "update", "tomorrow", "office", "customer", "order", "shipment", "question",
    "answer", "network", "backup", "release", "version", "a", "of", "and", "to", "in", "for",
    "we", "you", "it", "is", "on", "with", "as", "this", "that", "will", "be", "at", "by"};
constexpr size_t word_count = sizeof words / sizeof words[0];

// Lines a POP3 server must dot-stuff: a lone "." would end the message early.
constexpr const char* dot_lines[] = {".", "..", "...and so on, as discussed.", ".profile and .bashrc",
                                     ". indented by a dot"};

class Text {
public:
    Text(std::string& out, bool crlf) : out_(out), eol_(crlf ? "\r\n" : "\n") {}
    void line(const std::string& s) { out_ += s; out_ += eol_; }
    void line(const char* s) { out_ += s; out_ += eol_; }
    size_t size() const { return out_.size(); }

private:
    std::string& out_;
    const char* eol_;
};

std::string rfc822_date(uint64_t t) {
    time_t tt = time_t(t);
    tm tmv{};
    gmtime_r(&tt, &tmv);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tmv);
    return buf;
}

std::string hex(uint64_t v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
    return buf;
}

std::string sentence_line(Rng& rng, size_t width) {
    std::string s;
    while (s.size() < width) {
        if (!s.empty()) s += ' ';
        s += words[rng.next() % word_count];
    }
    return s;
}

void write_headers(const MessagePlan& plan, Rng& rng, Text& t, const std::string& boundary) {
    std::string date = rfc822_date(plan.time);
    unsigned sender = unsigned(rng.between(1, 500));
    t.line("Return-Path: <user" + std::to_string(sender) + "@example.org>");
    t.line("Delivered-To: pstrn-bench@bench.example");
    t.line("Received: from mx" + std::to_string(sender % 7) + ".example.org (mx" + std::to_string(sender % 7) +
           ".example.org [192.0.2." + std::to_string(sender % 250 + 1) + "])");
    t.line("\tby mail.bench.example with ESMTPS id " + hex(rng.next()).substr(0, 12));
    t.line("\tfor <pstrn-bench@bench.example>; " + date);
    t.line("Date: " + date);
    t.line("From: Sender " + std::to_string(sender) + " <user" + std::to_string(sender) + "@example.org>");
    t.line("To: pstrn-bench@bench.example");
    t.line("Subject: " + sentence_line(rng, 30));
    t.line("Message-ID: <" + hex(rng.next()) + "@example.org>");
    t.line("MIME-Version: 1.0");
    if (boundary.empty()) {
        t.line("Content-Type: text/plain; charset=utf-8");
    } else {
        t.line("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
    }
    t.line("");
}

// Words to about `until` bytes of message; one line in 25 starts with '.'.
void write_words(Rng& rng, Text& t, size_t until) {
    while (t.size() < until) {
        if (rng.one_in(25)) t.line(dot_lines[rng.next() % (sizeof dot_lines / sizeof dot_lines[0])]);
        else t.line(sentence_line(rng, rng.between(20, 72)));
    }
}

// Random bytes in base64, 76 characters a line, to about `until` bytes of message.
void write_base64(Rng& rng, Text& t, size_t until) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string line(76, 'A');
    while (t.size() < until) {
        for (size_t i = 0; i < 76; i += 8) {
            uint64_t r = rng.next();
            for (size_t j = i; j < i + 8 && j < 76; ++j, r >>= 6) line[j] = alphabet[r & 63];
        }
        t.line(line);
    }
}

}  // namespace

void write_message_text(const MessagePlan& plan, std::string& out) {
    out.clear();
    out.reserve(plan.target_size + 256);
    Rng rng(plan.seed);
    Text t(out, plan.crlf);
    std::string boundary = plan.attachment ? "=_b_" + hex(rng.next()) : std::string();
    write_headers(plan, rng, t, boundary);
    if (!plan.attachment) {
        write_words(rng, t, plan.target_size);
        return;
    }
    t.line("--" + boundary);
    t.line("Content-Type: text/plain; charset=utf-8");
    t.line("");
    write_words(rng, t, t.size() + rng.between(300, 3000));
    t.line("");
    t.line("--" + boundary);
    t.line("Content-Type: application/octet-stream; name=\"file" + std::to_string(rng.between(1, 9999)) + ".bin\"");
    t.line("Content-Transfer-Encoding: base64");
    t.line("Content-Disposition: attachment");
    t.line("");
    write_base64(rng, t, plan.target_size);
    t.line("--" + boundary + "--");
}

}  // namespace bench
