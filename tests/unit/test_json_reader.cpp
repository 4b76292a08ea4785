// The strict reader: the events it produces, and everything it must refuse
// with a position (a fixture must never hold what Python would silently
// accept or mangle).

#include "json_test_support.hpp"

#include <fixturegen/json/reader.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace fixturegen;
using test::record;
using test::refusal;
using Events = std::vector<std::string>;

TEST_CASE("json::read_json events in document order") {
  CHECK(record(R"({"a": 1, "b": [true, false, null], "c": {"d": "x"}, "e": 1.5, "f": []})") ==
        Events{"{", "k:a", "i:1", "k:b", "[", "true", "false", "null", "]", "k:c", "{", "k:d", "s:x", "}",
               "k:e", "f:1.5", "k:f", "[", "]", "}"});
  // Any value is a document, not only containers.
  CHECK(record("42") == Events{"i:42"});
  CHECK(record("\"x\"") == Events{"s:x"});
  CHECK(record("null") == Events{"null"});
  CHECK(record("-1.25e2") == Events{"f:-125.0"});
  // All four JSON white space characters, anywhere between tokens.
  CHECK(record(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n") == Events{"[", "i:1", "i:2", "]"});
}

TEST_CASE("json::read_json skips runs of white space of every length and position") {
  // Indentation runs of 0..20 spaces, after each of the four white space
  // characters, at every alignment (the reader skips spaces 8 bytes at a
  // time): the events never change, and an error after the run still
  // points at the right line and column.
  const Events expected{"{", "k:a", "[", "i:1", "s:x", "]", "}"};
  for (const char* before : {"", "\n", "\t", "\r\n", " "}) {
    for (std::size_t spaces = 0; spaces <= 20; ++spaces) {
      for (std::size_t offset = 0; offset < 8; ++offset) {
        const std::string pad = std::string(before) + std::string(spaces, ' ');
        const std::string text = std::string(offset, ' ') + "{" + pad + "\"a\"" + pad + ":" + pad + "[" + pad + "1" +
                                 pad + "," + pad + "\"x\"" + pad + "]" + pad + "}" + pad;
        INFO("before " << before << ", " << spaces << " spaces, offset " << offset);
        CHECK(record(text) == expected);
        // The first byte after the run is where the reader stops: here an
        // error, reported at its own line and column.
        const std::string bad = std::string(offset, ' ') + "[1" + pad + "x";
        const std::size_t at = bad.size() - 1;
        const std::size_t line_start = bad.rfind('\n', at) == std::string::npos ? 0 : bad.rfind('\n', at) + 1;
        const auto error = refusal(bad);
        CHECK(error.message.find("found 'x'") != std::string::npos);
        CHECK(error.line == 1 + static_cast<std::size_t>(std::count(bad.begin(), bad.end(), '\n')));
        CHECK(error.column == at - line_start + 1);
      }
    }
  }
}

TEST_CASE("json::read_json integers keep their exact text") {
  CHECK(record("9223372036854775807") == Events{"i:9223372036854775807"});
  CHECK(record("-9223372036854775808") == Events{"i:-9223372036854775808"});
  // Beyond 64 bits: not a float, the digits as written (Python ints are exact).
  CHECK(record("9223372036854775808") == Events{"I:9223372036854775808"});
  CHECK(record("-9223372036854775809") == Events{"I:-9223372036854775809"});
  CHECK(record("123456789012345678901234567890123456789") == Events{"I:123456789012345678901234567890123456789"});
  // "-0" is the integer 0: Python writes it back as 0.
  CHECK(record("-0") == Events{"i:0"});
  CHECK(record("[-0, 0]") == Events{"[", "i:0", "i:0", "]"});
  // A fraction or an exponent makes a float, even when the value is integral.
  CHECK(record("1.0") == Events{"f:1.0"});
  CHECK(record("1e2") == Events{"f:100.0"});
  CHECK(record("1E+2") == Events{"f:100.0"});
  CHECK(record("-0.0") == Events{"f:-0.0"});
}

TEST_CASE("json::read_json floats at the edges of the double range") {
  CHECK(record("5e-324") == Events{"f:5e-324"});      // the smallest denormal
  CHECK(record("3e-324") == Events{"f:5e-324"});      // rounds up to it, as in Python
  CHECK(record("2.2250738585072014e-308") == Events{"f:2.2250738585072014e-308"});
  CHECK(record("1.7976931348623157e308") == Events{"f:1.7976931348623157e+308"});
  // Zero spelled with a huge exponent is still exactly zero (Python: 0.0).
  CHECK(record("0e-400") == Events{"f:0.0"});
  CHECK(record("0e99999999999999999999") == Events{"f:0.0"});
  CHECK(record("-0.000e-5000") == Events{"f:-0.0"});
}

TEST_CASE("json::read_json strings: escapes, UTF-8 and surrogates") {
  CHECK(record(R"("\"\\\/\b\f\n\r\t")") == Events{"s:\"\\/\b\f\n\r\t"});
  CHECK(record(R"("\u0041\u00e9\u00E9")") == Events{"s:A\xC3\xA9\xC3\xA9"});
  // Raw UTF-8 passes through; so does DEL, which JSON allows raw.
  CHECK(record("\"caf\xC3\xA9 \xF0\x9F\x9A\x80 \x7F\"") == Events{"s:caf\xC3\xA9 \xF0\x9F\x9A\x80 \x7F"});
  // A surrogate pair escape is one code point (U+1F600).
  CHECK(record(R"("\ud83d\ude00")") == Events{"s:\xF0\x9F\x98\x80"});
  // Lone surrogates stay, WTF-8 encoded, as Python keeps them.
  CHECK(record(R"("\ud800")") == Events{"s:\xED\xA0\x80"});
  CHECK(record(R"("\udc00x")") == Events{"s:\xED\xB0\x80x"});
  // A high surrogate followed by something that is not a low one: both stay.
  CHECK(record(R"("\ud800\ud800")") == Events{"s:\xED\xA0\x80\xED\xA0\x80"});
  CHECK(record(R"("\ud800\u0041")") == Events{"s:\xED\xA0\x80" "A"});
  CHECK(record(R"("\ud800\n")") == Events{"s:\xED\xA0\x80\n"});
  // Escaped NUL is a real character inside the string.
  CHECK(record(R"("a\u0000b")") == Events{std::string("s:a\0b", 5)});
  // Keys are decoded the same way.
  CHECK(record(R"({"\u00e9": 1})") == Events{"{", "k:\xC3\xA9", "i:1", "}"});
}

namespace {

struct Refusal {
  std::string input;
  std::string message_part;
  std::size_t line;
  std::size_t column;
};

void check_refusals(const std::vector<Refusal>& cases) {
  for (const Refusal& c : cases) {
    const json::ParseError error = refusal(c.input);
    INFO("input: " << test::shown(c.input) << "\nerror: " << error.to_string());
    CHECK_THAT(error.message, Catch::Contains(c.message_part));
    CHECK(error.line == c.line);
    CHECK(error.column == c.column);
    CHECK(error.to_string() == std::to_string(c.line) + ":" + std::to_string(c.column) + ": " + error.message);
  }
}

}  // namespace

TEST_CASE("json::read_json strings: the byte that ends the fast path, at every position") {
  // The reader scans strings 8 bytes at a time and jumps to the first byte
  // that needs a look: an escape, a non-ASCII byte, a control character or
  // the closing quote, at each position of a word, at each alignment, with
  // bytes that need no look before and after it (some just above or below
  // the ones that do: a borrow must not move the jump).
  const std::string plain = "!#[]~ 0A\x7F_";
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t before = 0; before <= 17; ++before) {
      std::string head;
      for (std::size_t i = 0; i < before; ++i) head += plain[i % plain.size()];
      const std::string lead(offset, ' ');
      INFO("offset " << offset << ", " << before << " plain bytes first");
      CHECK(record(lead + "\"" + head + "\"") == Events{"s:" + head});
      CHECK(record(lead + "\"" + head + "\\n" + head + "\"") == Events{"s:" + head + "\n" + head});
      CHECK(record(lead + "\"" + head + "\\\"" + "\"") == Events{"s:" + head + "\""});
      CHECK(record(lead + "\"" + head + "\xC3\xA9" + head + "\"") == Events{"s:" + head + "\xC3\xA9" + head});
      CHECK(record(lead + "[\"" + head + "\", \"" + head + "!\"]") == Events{"[", "s:" + head, "s:" + head + "!", "]"});
      const auto control = refusal(lead + "\"" + head + "\x1F" + head + "\"");
      CHECK(control.message.find("control character 0x1F") != std::string::npos);
      CHECK(control.column == offset + 2 + before);
      const auto unclosed = refusal(lead + "\"" + head);
      CHECK(unclosed.message.find("unterminated string") != std::string::npos);
      CHECK(unclosed.column == offset + 1);
    }
  }
}

TEST_CASE("json::read_json refuses non-finite numbers") {
  check_refusals({
      {"NaN", "NaN is not JSON", 1, 1},
      {"[1, NaN]", "NaN is not JSON", 1, 5},
      {"Infinity", "Infinity is not JSON", 1, 1},
      {"{\"a\":\n  -Infinity}", "-Infinity is not JSON", 2, 3},
      {"[Infinity]", "Infinity is not JSON", 1, 2},
  });
}

TEST_CASE("json::read_json refuses numbers outside the double range") {
  check_refusals({
      {"1e400", "too large for a 64-bit float", 1, 1},
      {"[0, 1.5e309]", "too large for a 64-bit float", 1, 5},
      {"1e-400", "too small for a 64-bit float", 1, 1},
      {"[2e-324]", "too small for a 64-bit float", 1, 2},  // rounds to 0.0 in Python
      {"-1e-400", "too small for a 64-bit float", 1, 1},
      {"1e99999999999999999999999", "too large", 1, 1},
      {"1e-99999999999999999999999", "too small", 1, 1},
  });
  // Without an exponent: 400 digits before the point is too large, 400
  // zeros after it too small (the sign of the exponent alone does not tell).
  check_refusals({
      {"1" + std::string(400, '0') + ".0", "too large", 1, 1},
      {"0." + std::string(400, '0') + "1", "too small", 1, 1},
      {"0." + std::string(400, '0') + "1e2", "too small", 1, 1},
      {"1" + std::string(400, '0') + "e-5", "too large", 1, 1},
  });
  // Negative overflow becomes -Infinity, and the message says so.
  CHECK_THAT(refusal("-1e400").message, Catch::Contains("-Infinity"));
  CHECK_THAT(refusal("1e400").message, !Catch::Contains("-Infinity"));
}

TEST_CASE("json::read_json refuses malformed numbers") {
  check_refusals({
      {"01", "leading zeros", 1, 1},
      {"[-01]", "leading zeros", 1, 2},
      {"00.5", "leading zeros", 1, 1},
      {"1.", "expected a digit after '.'", 1, 1},
      {"1.e5", "expected a digit after '.'", 1, 1},
      {"1e", "expected a digit in the exponent", 1, 1},
      {"1e+", "expected a digit in the exponent", 1, 1},
      {"-", "truncated number", 1, 1},
      {"-a", "expected a digit", 1, 1},
      {".5", "expected a JSON value", 1, 1},
      {"+1", "expected a JSON value", 1, 1},
      {"0x10", "after the end of the document", 1, 2},
  });
}

TEST_CASE("json::read_json refuses invalid UTF-8") {
  check_refusals({
      {"\"\xC0\x80\"", "invalid UTF-8 (byte 0xC0)", 1, 2},           // overlong NUL
      {"\"\xC1\xBF\"", "invalid UTF-8", 1, 2},                        // overlong
      {"\"a\xE0\x80\x80\"", "invalid UTF-8 (byte 0xE0)", 1, 3},       // overlong 3-byte
      {"\"\xF0\x80\x80\x80\"", "invalid UTF-8", 1, 2},                // overlong 4-byte
      {"\"\xED\xA0\x80\"", "invalid UTF-8 (byte 0xED)", 1, 2},        // an encoded surrogate
      {"\"\xED\xBF\xBF\"", "invalid UTF-8", 1, 2},
      {"\"\xF4\x90\x80\x80\"", "invalid UTF-8", 1, 2},                // above U+10FFFF
      {"\"\xF5\x80\x80\x80\"", "invalid UTF-8", 1, 2},
      {"\"\xE2\x82\"", "invalid UTF-8", 1, 2},                        // truncated sequence
      {"\"\xE2\x82", "invalid UTF-8", 1, 2},                          // ... at the end of input
      {"\"\xF0\x9F\x98\"", "invalid UTF-8", 1, 2},
      {"\"\x80\"", "invalid UTF-8 (byte 0x80)", 1, 2},                // a lone continuation byte
      {"\"\xFF\"", "invalid UTF-8 (byte 0xFF)", 1, 2},
      {"{\"k\xC3\":1}", "invalid UTF-8", 1, 4},                       // in a key
      {"[\xC3\xA9]", "expected a JSON value, found byte 0xC3", 1, 2}, // outside a string
  });
}

TEST_CASE("json::read_json refuses bad strings") {
  check_refusals({
      {"\"a\nb\"", "control character 0x0A", 1, 3},
      {"\"a\tb\"", "control character 0x09", 1, 3},
      {std::string("\"a\0b\"", 5), "control character 0x00", 1, 3},
      {"\"\x1F\"", "control character 0x1F", 1, 2},
      {R"("\x41")", "invalid escape \\'x'", 1, 2},
      {R"("ab\')", "invalid escape", 1, 4},
      {R"("\U0041")", "invalid escape", 1, 2},
      {R"("\u12")", "invalid \\u escape", 1, 2},
      {R"("\u12G4")", "invalid \\u escape", 1, 2},
      {R"("\u)", "invalid \\u escape", 1, 2},
      {"'single'", "expected a JSON value, found '''", 1, 1},
      {"\"abc", "unterminated string", 1, 1},
      {"[\"abc\\", "unterminated string", 1, 2},
      {"{\"abc", "unterminated string", 1, 2},
  });
}

TEST_CASE("json::read_json refuses empty, truncated and trailing input") {
  check_refusals({
      {"", "empty input", 1, 1},
      {" \n\t\r\n ", "only white space", 3, 2},
      {"[", "1 levels still open", 1, 2},
      {"[1, [2, {\"a\": 3", "3 levels still open", 1, 16},
      {"{\"a\"", "expected ':'", 1, 5},
      {"{\"a\":", "expected a value", 1, 6},
      {"[1,", "expected a value", 1, 4},
      {"{", "1 levels still open", 1, 2},
      {"{\"a\": 1,", "expected a key", 1, 9},
      {"tru", "expected a JSON value", 1, 1},
      {"nul", "expected a JSON value", 1, 1},
      {"{} {}", "unexpected '{' after the end of the document", 1, 4},
      {"[1] x", "unexpected 'x' after the end", 1, 5},
      {"1 2", "after the end", 1, 3},
      {"nulls", "after the end", 1, 5},
      {"truefalse", "after the end", 1, 5},
      {std::string("{}\n\0", 4), "unexpected byte 0x00 after the end", 2, 1},
  });
}

TEST_CASE("json::read_json refuses structural mistakes") {
  check_refusals({
      {"[1 2]", "expected ',' or ']'", 1, 4},
      {"{\"a\": 1 \"b\": 2}", "expected ',' or '}'", 1, 9},
      {"[1,]", "trailing comma before ']'", 1, 3},
      {"{\"a\": 1,}", "trailing comma before '}'", 1, 8},
      {"[,1]", "expected a JSON value, found ','", 1, 2},
      {"{1: 2}", "expected a string key", 1, 2},
      {"{\"a\" 1}", "expected ':' after a key", 1, 6},
      {"[1}", "expected ',' or ']'", 1, 3},
      {"{\"a\": 1]", "expected ',' or '}'", 1, 8},
      {"]", "expected a JSON value", 1, 1},
      {"// comment\n1", "expected a JSON value, found '/'", 1, 1},
  });
}

TEST_CASE("json::read_json refuses a byte order mark") {
  check_refusals({
      {"\xEF\xBB\xBF{}", "byte order mark", 1, 1},
      {"\xEF\xBB\xBF", "byte order mark", 1, 1},
  });
  // U+FEFF inside a string is an ordinary character.
  CHECK(record("\"\xEF\xBB\xBF\"") == Events{"s:\xEF\xBB\xBF"});
}

TEST_CASE("json::read_json refuses duplicate keys, naming them") {
  check_refusals({
      {R"({"a": 1, "a": 2})", "duplicate key \"a\"", 1, 10},
      {"{\n  \"x\": {\"id\": 1,\n  \"id\": 2}}", "duplicate key \"id\"", 3, 3},
      // The same key after unescaping is the same key.
      {R"({"a": 1, "\u0061": 2})", "duplicate key \"a\"", 1, 10},
      {"{\"\xC3\xA9\": 1, \"\\u00e9\": 2}", "duplicate key \"\xC3\xA9\"", 1, 11},
  });
  // The same key in sibling or nested objects is fine.
  CHECK(record(R"([{"a": 1}, {"a": 2}, {"a": {"a": 3}}])").size() == 17);
  CHECK(record(R"({"a": {"b": 1}, "b": {"a": 2}})").size() == 12);

  // Past the point where small objects switch to a hash set.
  std::string big = "{";
  for (int i = 0; i < 100; ++i) big += "\"key" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  CHECK(record(big + "\"last\": 0}").size() == 204);
  for (const int dup : {0, 31, 32, 33, 99}) {
    const std::string text = big + "\"key" + std::to_string(dup) + "\": 0}";
    const json::ParseError error = refusal(text);
    CHECK_THAT(error.message, Catch::Contains("duplicate key \"key" + std::to_string(dup) + "\""));
    CHECK(error.offset == big.size());
  }
  // An inner object's keys do not leak into the next sibling object at the same depth.
  std::string siblings = "[";
  for (int i = 0; i < 3; ++i) {
    siblings += "{";
    for (int k = 0; k < 40; ++k) siblings += "\"k" + std::to_string(k) + "\": {\"inner\": 1}, ";
    siblings += "\"end\": 0}, ";
  }
  CHECK_FALSE(json::read_json(siblings + "null]", *std::make_unique<test::EventRecorder>()).has_value());
}

TEST_CASE("json::read_json duplicate keys after a key-set vector grows (issue 6.1)") {
  // Escaped keys are owned by the per-depth key set; opening deeper objects
  // adds key sets. The outer set's keys must survive that (they used to be
  // views into strings that moved, and the duplicate "a" slipped through).
  const json::ParseError error =
      refusal(R"({"\u0061": {"\u0062": {"\u0063": {"\u0064": {"\u0065": 1}}}}, "a": 1})");
  CHECK_THAT(error.message, Catch::Contains("duplicate key \"a\""));
  // Deeper still, with long escaped keys (no small-string buffer) at every level.
  std::string deep;
  std::string close;
  for (int depth = 0; depth < 200; ++depth) {
    deep += "{\"\\u006b" + std::string(40, 'x') + std::to_string(depth) + "\": 0, \"n\": ";
    close += "}";
  }
  deep += "1" + close;
  CHECK_FALSE(json::read_json(deep, *std::make_unique<test::EventRecorder>()).has_value());
  const std::string duplicate = deep.substr(0, deep.size() - 1) + ", \"k" + std::string(40, 'x') + "0\": 1}";
  CHECK_THAT(refusal(duplicate).message, Catch::Contains("duplicate key \"k" + std::string(40, 'x') + "0\""));
}

TEST_CASE("json::read_json reports lines and byte columns") {
  const std::string text = "{\n  \"a\": [1,\n    2,\n    x]\n}";
  const json::ParseError error = refusal(text);
  CHECK(error.line == 4);
  CHECK(error.column == 5);
  CHECK(error.offset == text.find('x'));
  // CRLF: the \r belongs to the previous line.
  const json::ParseError crlf = refusal("[\r\n1,\r\n@]");
  CHECK(crlf.line == 3);
  CHECK(crlf.column == 1);
  // Columns count bytes: "é" is two.
  const json::ParseError bytes = refusal("[\"\xC3\xA9\", @]");
  CHECK(bytes.column == 8);
}

TEST_CASE("json::read_json stops when the handler says so") {
  test::EventRecorder recorder;
  recorder.stop_at = 3;
  const auto error = json::read_json(R"([1, 2, 3, 4])", recorder);
  REQUIRE(error.has_value());
  CHECK(error->message == "recorder told to stop");
  CHECK(recorder.events == Events{"[", "i:1", "i:2"});
  CHECK(error->column == 6);
}

TEST_CASE("json::read_json depth limit") {
  json::ReaderOptions options;
  options.max_depth = 3;
  CHECK_FALSE(json::read_json("[[[1]]]", *std::make_unique<test::EventRecorder>(), options).has_value());
  const json::ParseError error = refusal("[[[[1]]]]", options);
  CHECK_THAT(error.message, Catch::Contains("nesting deeper than 3 levels"));
  CHECK(error.column == 4);
  CHECK_THAT(refusal("{\"a\":{\"a\":{\"a\":{}}}}", options).message, Catch::Contains("deeper than 3"));

  // The reader is iterative: a million levels do not overflow the stack.
  // With the default limit the answer is a clear refusal...
  const std::size_t depth = 1'000'000;
  const std::string deep = std::string(depth, '[') + std::string(depth, ']');
  const json::ParseError deep_error = refusal(deep);
  CHECK_THAT(deep_error.message, Catch::Contains("nesting deeper than"));
  // ... and with the limit lifted, every event arrives.
  options.max_depth = depth;
  test::DepthCounter counter;
  CHECK_FALSE(json::read_json(deep, counter, options).has_value());
  CHECK(counter.max_depth == depth);
  CHECK(counter.events == 2 * depth);
}
