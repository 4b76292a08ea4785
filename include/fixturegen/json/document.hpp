#pragma once

#include <fixturegen/json/handler.hpp>
#include <fixturegen/json/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fixturegen::json {

enum class Kind : std::uint8_t { Null, Bool, Integer, Float, String, Array, Object };

std::string_view kind_name(Kind kind);  // "null", "boolean", "integer", ...

class Document;
class Value;
bool emit(Value value, JsonHandler& handler);

// An integer's exact decimal text. It owns the digits of an integer that
// fits 64 bits (formatted on demand: storing text for every integer would
// double the tape); a bigger one's text is owned by its Document. Views are
// handed out only from a named IntegerText, never from a temporary, so a
// view cannot outlive the digits it shows (it once pointed into a shared
// per-thread buffer that the next call overwrote).
class IntegerText {
public:
  std::string_view view() const& { return m_external.data() != nullptr ? m_external : std::string_view(m_digits, m_length); }
  std::string_view view() const&& = delete;
  operator std::string_view() const& { return view(); }  // NOLINT: implicit, as std::string's
  operator std::string_view() const&& = delete;
  std::string str() const { return std::string(view()); }
  bool operator==(std::string_view other) const { return view() == other; }
  bool operator==(const IntegerText& other) const { return view() == other.view(); }

private:
  friend class Value;
  char m_digits[20] = {};       // int64: at most 19 digits and a sign
  std::uint8_t m_length = 0;
  std::string_view m_external;  // into the Document, beyond 64 bits
};

// A read-only handle to one value inside a Document: a pointer and an index,
// cheap to copy. Valid as long as its Document lives and is not moved from.
class Value {
public:
  Value() = default;

  Kind kind() const;
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_integer() const { return kind() == Kind::Integer; }
  bool is_float() const { return kind() == Kind::Float; }
  bool is_number() const { return is_integer() || is_float(); }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  bool as_bool() const;
  // Integers: whether the value fits in 64 bits, the value when it does, and
  // always the exact decimal text (canonical: no "-0", no leading zeros).
  bool fits_int64() const;
  std::int64_t as_int() const;
  IntegerText integer_text() const;
  // Any number as the nearest double.
  double as_double() const;
  std::string_view as_string() const;

  // Arrays and objects: number of elements or members.
  std::size_t size() const;

  class ElementIterator;
  class MemberIterator;
  struct Member;
  struct Elements {
    const Document* doc;
    std::uint32_t first, last;
    ElementIterator begin() const;
    ElementIterator end() const;
  };
  struct Members {
    const Document* doc;
    std::uint32_t first, last;
    MemberIterator begin() const;
    MemberIterator end() const;
  };
  Elements elements() const;  // empty unless an array
  Members members() const;    // empty unless an object
  // The member named `key` (the first, though documents refuse duplicates).
  std::optional<Value> find(std::string_view key) const;

  const Document* document() const { return m_doc; }
  std::uint32_t index() const { return m_index; }

private:
  friend class Document;
  friend bool emit(Value value, JsonHandler& handler);
  Value(const Document* doc, std::uint32_t index) : m_doc(doc), m_index(index) {}
  const Document* m_doc = nullptr;
  std::uint32_t m_index = 0;
};

struct Value::Member {
  std::string_view key;
  Value value;
};

class Value::ElementIterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Value;

  ElementIterator() = default;
  Value operator*() const { return Value(m_doc, m_index); }
  ElementIterator& operator++();
  ElementIterator operator++(int) {
    ElementIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const ElementIterator& other) const { return m_index == other.m_index; }

private:
  friend struct Value::Elements;
  ElementIterator(const Document* doc, std::uint32_t index) : m_doc(doc), m_index(index) {}
  const Document* m_doc = nullptr;
  std::uint32_t m_index = 0;
};

class Value::MemberIterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Member;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Member;

  MemberIterator() = default;
  Member operator*() const;
  MemberIterator& operator++();
  bool operator==(const MemberIterator& other) const { return m_index == other.m_index; }

private:
  friend struct Value::Members;
  MemberIterator(const Document* doc, std::uint32_t index) : m_doc(doc), m_index(index) {}
  const Document* m_doc = nullptr;
  std::uint32_t m_index = 0;  // the key's node; the value follows it
};

// A parsed JSON document stored as a flat tape (one 16-byte node per value,
// in document order, containers knowing where they end), after simdjson's
// layout: one allocation for the nodes and one for the strings, no
// recursion to build or destroy, so depth is limited only by the reader.
class Document {
public:
  Document() = default;
  // Copies and moves keep the read views pointing at the right storage
  // (a moved std::string may move its characters: short strings live
  // inside it).
  Document(const Document& other);
  Document(Document&& other) noexcept;
  Document& operator=(const Document& other);
  Document& operator=(Document&& other) noexcept;
  ~Document() = default;

  // Parses `text` strictly (see read_json). On error `out` is left empty.
  static std::optional<ParseError> parse(std::string_view text, Document& out,
                                         const ReaderOptions& options = {});

  bool empty() const { return m_node_count == 0; }
  Value root() const { return Value(this, 0); }

  // Memory held by the tape, for benchmarks and limits.
  std::size_t memory_bytes() const;

  // The tape itself, for a cache of compiled schemas (schema/program_cache):
  // the nodes as raw bytes and the string pool every string value, key and
  // big integer's text points into. from_tape() is the way back; it checks
  // the whole structure (kinds, container ends and counts, string bounds,
  // finite floats) and returns nullopt for anything a parse could not have
  // produced, so a damaged cache entry is a miss, never a crash.
  std::string_view tape_nodes() const {
    return {reinterpret_cast<const char*>(m_node_data), std::size_t{m_node_count} * sizeof(Node)};
  }
  std::string_view string_pool() const { return {m_string_data, m_string_size}; }
  static std::optional<Document> from_tape(std::string_view nodes, std::string_view strings);
  // As from_tape, but reading the tape where it lies instead of copying
  // it: `keep_alive` owns that memory (a cache entry's bytes) and lives as
  // long as the document and its copies. nullopt also when `nodes` is not
  // aligned for the tape's 8-byte fields (then use from_tape).
  static std::optional<Document> view_tape(std::string_view nodes, std::string_view strings,
                                           std::shared_ptr<const void> keep_alive);
  // The value at tape position `index` (< node_count()), as Value::index()
  // gave it: how a cache names the values a compiled schema points at.
  std::uint32_t node_count() const { return m_node_count; }
  Value value_at(std::uint32_t index) const { return Value(this, index); }

private:
  friend class Value;
  friend class DocumentBuilder;
  friend bool emit(Value value, JsonHandler& handler);
  struct Node {
    Kind kind;
    std::uint8_t flags;  // Integer: 1 when it fits in int64; Object key nodes: 2
    std::uint16_t unused;
    std::uint32_t size;  // strings and big integers: byte length; containers: count
    std::uint64_t payload;  // value bits, string offset, or a container's end index
  };
  static_assert(sizeof(Node) == 16);
  std::uint32_t next_sibling(std::uint32_t index) const;
  // Points the read views at m_nodes and m_strings.
  void view_owned();
  // Takes `other`'s views when they point into memory kept alive, else
  // views this document's own copy.
  void take_views_of(const Document& other);
  // How many whole nodes `nodes` holds; nullopt for none, a partial one or
  // more than a tape can index.
  static std::optional<std::uint32_t> tape_length(std::string_view nodes);
  static bool tape_is_valid(const Node* nodes, std::uint32_t count, std::size_t string_size);

  // The tape when built or copied here (DocumentBuilder writes these).
  std::vector<Node> m_nodes;
  std::string m_strings;
  // The owner of a tape read in place (view_tape); null otherwise.
  std::shared_ptr<const void> m_keep_alive;
  // Where every read goes: the vectors above, or memory m_keep_alive owns.
  const Node* m_node_data = nullptr;
  std::uint32_t m_node_count = 0;
  const char* m_string_data = nullptr;
  std::size_t m_string_size = 0;
};

// Builds a Document from events: the reader's, or any producer's (the
// normalizer buffers a subtree it must sort this way).
class DocumentBuilder final : public JsonHandler {
public:
  DocumentBuilder();
  // Hands over the finished document and resets the builder.
  Document take();
  // Room for the document parsed from `text_bytes` of JSON text, so the
  // tape is not grown (and copied) step by step.
  void reserve_for_text(std::size_t text_bytes);

  bool null_value() override;
  bool bool_value(bool value) override;
  bool integer_value(std::string_view text, std::int64_t value, bool fits) override;
  bool float_value(double value) override;
  bool string_value(std::string_view value) override;
  bool begin_object() override;
  bool key(std::string_view name) override;
  bool end_object() override;
  bool begin_array() override;
  bool end_array() override;

private:
  std::uint32_t push(Kind kind, std::uint8_t flags, std::uint32_t size, std::uint64_t payload);
  std::uint32_t push_string(Kind kind, std::uint8_t flags, std::string_view text);
  bool close();

  Document m_doc;
  std::vector<std::uint32_t> m_open;  // indices of the open containers
};

// Replays `value` as events into `handler`, without recursion.
// Returns false when the handler stopped.
bool emit(Value value, JsonHandler& handler);

// JSON equality as JSON Schema defines it for `enum`, `const` and
// `uniqueItems`: numbers compare by value (1 == 1.0), objects ignore order.
bool json_equal(Value a, Value b);

// A hash consistent with json_equal (equal values hash alike: numbers by
// value, objects in any member order). Iterative, as json_equal.
std::uint64_t json_hash(Value value);

// The first pair of json_equal items of `array` (first < second, the
// smallest second), for `uniqueItems`. Small arrays compare all pairs;
// larger ones only items whose json_hash collide.
std::optional<std::pair<std::size_t, std::size_t>> find_equal_items(Value array);

}  // namespace fixturegen::json
