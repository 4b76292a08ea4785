// Selectors: the JSON-Pointer-like patterns path rules are scoped with.

#include <fixturegen/normalize/selector.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace fixturegen;
using normalize::Selector;
using Path = std::vector<std::string>;

namespace {

Selector parse(std::string_view text) {
  auto selector = Selector::parse(text);
  INFO("selector: " << text);
  REQUIRE(selector.has_value());
  CHECK(selector->text() == text);
  return std::move(*selector);
}

}  // namespace

TEST_CASE("normalize::Selector parse errors") {
  for (const char* bad : {"a/b", "materializations", "*", "/a/~2", "/a~", "/~x/b"}) {
    auto selector = Selector::parse(bad);
    INFO("selector: " << bad);
    REQUIRE_FALSE(selector.has_value());
    CHECK(selector.error().code() == ExitCode::UsageError);
    CHECK_THAT(selector.error().message, Catch::Contains(std::string("invalid selector \"") + bad + "\""));
    CHECK_THAT(selector.error().hint, Catch::Contains("starts with '/'"));
  }
}

TEST_CASE("normalize::Selector root and literals") {
  const Selector root = parse("");
  CHECK(root.matches({}));
  CHECK_FALSE(root.matches({"a"}));

  const Selector literal = parse("/a/b");
  CHECK(literal.matches({"a", "b"}));
  CHECK_FALSE(literal.matches({"a"}));
  CHECK_FALSE(literal.matches({"a", "b", "c"}));
  CHECK_FALSE(literal.matches({"x", "a", "b"}));
  CHECK_FALSE(literal.matches({"a", "c"}));

  // Array indices are decimal text.
  const Selector index = parse("/items/0/id");
  CHECK(index.matches({"items", "0", "id"}));
  CHECK_FALSE(index.matches({"items", "1", "id"}));

  // RFC 6901 escapes: ~1 is '/', ~0 is '~'.
  const Selector escaped = parse("/a~1b/c~0d/~01");
  CHECK(escaped.matches({"a/b", "c~d", "~1"}));
  CHECK_FALSE(escaped.matches({"a~1b", "c~0d", "~01"}));

  // The empty key is a token like any other.
  const Selector empty_key = parse("/");
  CHECK(empty_key.matches({""}));
  CHECK_FALSE(empty_key.matches({}));
}

TEST_CASE("normalize::Selector * matches exactly one level") {
  const Selector selector = parse("/materializations/*/duration");
  CHECK(selector.matches({"materializations", "0", "duration"}));
  CHECK(selector.matches({"materializations", "orders", "duration"}));
  CHECK_FALSE(selector.matches({"materializations", "duration"}));
  CHECK_FALSE(selector.matches({"materializations", "0", "1", "duration"}));

  const Selector any_top = parse("/*");
  CHECK(any_top.matches({"x"}));
  CHECK(any_top.matches({""}));
  CHECK_FALSE(any_top.matches({}));
  CHECK_FALSE(any_top.matches({"x", "y"}));
}

TEST_CASE("normalize::Selector ** matches any number of levels, none included") {
  const Selector anywhere = parse("/**/sql");
  CHECK(anywhere.matches({"sql"}));
  CHECK(anywhere.matches({"a", "sql"}));
  CHECK(anywhere.matches({"a", "0", "b", "sql"}));
  CHECK(anywhere.matches({"sql", "sql"}));
  CHECK_FALSE(anywhere.matches({"sql", "x"}));
  CHECK_FALSE(anywhere.matches({}));

  const Selector below = parse("/a/**");
  CHECK(below.matches({"a"}));
  CHECK(below.matches({"a", "b"}));
  CHECK(below.matches({"a", "b", "c"}));
  CHECK_FALSE(below.matches({"b", "a"}));

  const Selector everything = parse("/**");
  CHECK(everything.matches({}));
  CHECK(everything.matches({"x", "y", "z"}));

  const Selector middle = parse("/a/**/b/*/c");
  CHECK(middle.matches({"a", "b", "1", "c"}));
  CHECK(middle.matches({"a", "x", "y", "b", "1", "c"}));
  CHECK(middle.matches({"a", "b", "b", "1", "c"}));
  CHECK_FALSE(middle.matches({"a", "b", "c"}));
  CHECK_FALSE(middle.matches({"a", "x", "b", "1", "c", "d"}));

  // Several ** stay correct (and finish) on long paths.
  const Selector many = parse("/**/x/**/y/**/z");
  Path long_path(40, "p");
  long_path.insert(long_path.begin() + 5, "x");
  long_path.insert(long_path.begin() + 20, "y");
  CHECK_FALSE(many.matches(long_path));
  long_path.push_back("z");
  CHECK(many.matches(long_path));
}
