// The one PCRE2 wrapper (core/regex.hpp): what it answers, and that a match
// PCRE2 cannot decide is an error, never "no match".

#include <fixturegen/core/regex.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace fixturegen;

namespace {

Regex compiled(std::string_view pattern, const RegexOptions& options = {}) {
  Expected<Regex> regex = Regex::compile(pattern, options);
  if (!regex) FAIL("compile failed: " << regex.error().message);
  return std::move(regex).value();
}

}  // namespace

TEST_CASE("core::Regex searches, unanchored") {
  const Regex regex = compiled("b+");
  CHECK(regex.search("abbbc").value());
  CHECK_FALSE(regex.search("ac").value());
  CHECK(regex.source() == "b+");
  // A lone surrogate (WTF-8 from \ud800) is searched as U+FFFD, not refused.
  CHECK(compiled("^x.y$").search("x\xED\xA0\x80y").value());
}

TEST_CASE("core::Regex refuses a bad pattern with PCRE2's reason") {
  const Expected<Regex> regex = Regex::compile("(unclosed");
  REQUIRE_FALSE(regex.has_value());
  CHECK(regex.error().kind == ErrorKind::Config);
  CHECK_THAT(regex.error().message, Catch::Contains("missing closing parenthesis") && Catch::Contains("offset 9"));
}

TEST_CASE("core::Regex decides a repeated group over long strings (issue 6.2)") {
  // PCRE2's JIT has a 32 KiB stack by default: ^(a|b)*$ gave
  // PCRE2_ERROR_JIT_STACKLIMIT beyond ~1,500 characters, which was read as
  // "no match".
  const Regex regex = compiled("^(a|b)*$");
  for (const std::size_t length : {std::size_t{3'000}, std::size_t{200'000}}) {
    INFO(length);
    const Expected<bool> matched = regex.search(std::string(length, 'a'));
    REQUIRE(matched.has_value());
    CHECK(*matched);
    const Expected<bool> not_matched = regex.search(std::string(length, 'a') + "c");
    REQUIRE(not_matched.has_value());
    CHECK_FALSE(*not_matched);
  }
  const Expected<std::string> replaced = regex.replace_all(std::string(3'000, 'b'), "x");
  REQUIRE(replaced.has_value());
  CHECK(*replaced == "x");
}

TEST_CASE("core::Regex reports a match it cannot decide as an error (issue 6.2)") {
  // Catastrophic backtracking beyond the match limit, in the JIT and then
  // in the interpreter: neither "match" nor "no match" is true here.
  RegexOptions options;
  options.match_limit = 100'000;
  const Regex regex = compiled("(a+)+$", options);
  const std::string subject = std::string(40, 'a') + "b";
  const Expected<bool> matched = regex.search(subject);
  REQUIRE_FALSE(matched.has_value());
  CHECK(matched.error().kind == ErrorKind::Config);
  CHECK_THAT(matched.error().message, Catch::Contains("cannot be decided") && Catch::Contains("(a+)+$") &&
                                          Catch::Contains("match limit"));
  const Expected<std::string> replaced = regex.replace_all(subject, "x");
  REQUIRE_FALSE(replaced.has_value());
  CHECK_THAT(replaced.error().message, Catch::Contains("cannot be decided"));
  // The same regex still answers what it can decide.
  CHECK(regex.search("aaa").value());
}
