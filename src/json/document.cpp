#include <fixturegen/json/document.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace fixturegen::json {

namespace {
constexpr std::uint8_t kFitsInt64 = 1;
constexpr std::uint8_t kKeyNode = 2;
}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return "boolean";
    case Kind::Integer: return "integer";
    case Kind::Float: return "number";
    case Kind::String: return "string";
    case Kind::Array: return "array";
    case Kind::Object: return "object";
  }
  return "unknown";
}

// --- Value ---------------------------------------------------------------

Kind Value::kind() const { return m_doc->m_node_data[m_index].kind; }

bool Value::as_bool() const { return m_doc->m_node_data[m_index].payload != 0; }

bool Value::fits_int64() const {
  const auto& node = m_doc->m_node_data[m_index];
  return node.kind == Kind::Integer && (node.flags & kFitsInt64) != 0;
}

std::int64_t Value::as_int() const { return static_cast<std::int64_t>(m_doc->m_node_data[m_index].payload); }

IntegerText Value::integer_text() const {
  const auto& node = m_doc->m_node_data[m_index];
  IntegerText text;
  if (node.flags & kFitsInt64) {
    const auto result = std::to_chars(text.m_digits, text.m_digits + sizeof text.m_digits,
                                      static_cast<std::int64_t>(node.payload));
    text.m_length = static_cast<std::uint8_t>(result.ptr - text.m_digits);
  } else {
    text.m_external = m_doc->string_pool().substr(node.payload, node.size);
  }
  return text;
}

double Value::as_double() const {
  const auto& node = m_doc->m_node_data[m_index];
  if (node.kind == Kind::Float) return std::bit_cast<double>(node.payload);
  if (node.flags & kFitsInt64) return static_cast<double>(static_cast<std::int64_t>(node.payload));
  const std::string_view text = m_doc->string_pool().substr(node.payload, node.size);
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    return text.starts_with('-') ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  return value;
}

std::string_view Value::as_string() const {
  const auto& node = m_doc->m_node_data[m_index];
  return m_doc->string_pool().substr(node.payload, node.size);
}

std::size_t Value::size() const {
  const auto& node = m_doc->m_node_data[m_index];
  return (node.kind == Kind::Array || node.kind == Kind::Object) ? node.size : 0;
}

Value::Elements Value::elements() const {
  const auto& node = m_doc->m_node_data[m_index];
  if (node.kind != Kind::Array) return {m_doc, 0, 0};
  return {m_doc, m_index + 1, static_cast<std::uint32_t>(node.payload)};
}

Value::Members Value::members() const {
  const auto& node = m_doc->m_node_data[m_index];
  if (node.kind != Kind::Object) return {m_doc, 0, 0};
  return {m_doc, m_index + 1, static_cast<std::uint32_t>(node.payload)};
}

std::optional<Value> Value::find(std::string_view key) const {
  for (const Member& member : members()) {
    if (member.key == key) return member.value;
  }
  return std::nullopt;
}

Value::ElementIterator Value::Elements::begin() const { return {doc, first}; }
Value::ElementIterator Value::Elements::end() const { return {doc, last}; }
Value::MemberIterator Value::Members::begin() const { return {doc, first}; }
Value::MemberIterator Value::Members::end() const { return {doc, last}; }

Value::ElementIterator& Value::ElementIterator::operator++() {
  m_index = m_doc->next_sibling(m_index);
  return *this;
}

Value::Member Value::MemberIterator::operator*() const {
  return {Value(m_doc, m_index).as_string(), Value(m_doc, m_index + 1)};
}

Value::MemberIterator& Value::MemberIterator::operator++() {
  m_index = m_doc->next_sibling(m_index + 1);
  return *this;
}

// --- Document -------------------------------------------------------------

std::uint32_t Document::next_sibling(std::uint32_t index) const {
  const Node& node = m_node_data[index];
  if (node.kind == Kind::Array || node.kind == Kind::Object) return static_cast<std::uint32_t>(node.payload);
  return index + 1;
}

std::optional<ParseError> Document::parse(std::string_view text, Document& out, const ReaderOptions& options) {
  DocumentBuilder builder;
  builder.reserve_for_text(text.size());
  auto error = read_json(text, builder, options);
  out = error ? Document() : builder.take();
  return error;
}

std::size_t Document::memory_bytes() const {
  return m_nodes.capacity() * sizeof(Node) + m_strings.capacity();
}

Document::Document(const Document& other)
    : m_nodes(other.m_nodes), m_strings(other.m_strings), m_keep_alive(other.m_keep_alive) {
  take_views_of(other);
}

Document::Document(Document&& other) noexcept
    : m_nodes(std::move(other.m_nodes)), m_strings(std::move(other.m_strings)),
      m_keep_alive(std::move(other.m_keep_alive)) {
  take_views_of(other);
  other = Document();
}

Document& Document::operator=(const Document& other) {
  if (this != &other) *this = Document(other);
  return *this;
}

Document& Document::operator=(Document&& other) noexcept {
  if (this == &other) return *this;
  m_nodes = std::move(other.m_nodes);
  m_strings = std::move(other.m_strings);
  m_keep_alive = std::move(other.m_keep_alive);
  take_views_of(other);
  other.m_nodes.clear();
  other.m_strings.clear();
  other.m_keep_alive.reset();
  other.view_owned();
  return *this;
}

void Document::view_owned() {
  m_node_data = m_nodes.data();
  m_node_count = static_cast<std::uint32_t>(m_nodes.size());
  m_string_data = m_strings.data();
  m_string_size = m_strings.size();
}

void Document::take_views_of(const Document& other) {
  if (!m_keep_alive) {
    view_owned();
    return;
  }
  m_node_data = other.m_node_data;
  m_node_count = other.m_node_count;
  m_string_data = other.m_string_data;
  m_string_size = other.m_string_size;
}

std::optional<std::uint32_t> Document::tape_length(std::string_view nodes) {
  if (nodes.empty() || nodes.size() % sizeof(Node) != 0 ||
      nodes.size() / sizeof(Node) > std::numeric_limits<std::uint32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(nodes.size() / sizeof(Node));
}

std::optional<Document> Document::from_tape(std::string_view nodes, std::string_view strings) {
  const std::optional<std::uint32_t> length = tape_length(nodes);
  if (!length) return std::nullopt;
  const std::uint32_t count = *length;
  Document doc;
  // Node by node: `nodes` may sit at any address, and a vector resized
  // first would be zero-filled only to be overwritten.
  doc.m_nodes.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Node node;
    std::memcpy(&node, nodes.data() + std::size_t{i} * sizeof(Node), sizeof(Node));
    doc.m_nodes.push_back(node);
  }
  doc.m_strings.assign(strings);
  doc.view_owned();
  if (!tape_is_valid(doc.m_node_data, count, doc.m_string_size)) return std::nullopt;
  return doc;
}

std::optional<Document> Document::view_tape(std::string_view nodes, std::string_view strings,
                                            std::shared_ptr<const void> keep_alive) {
  const std::optional<std::uint32_t> length = tape_length(nodes);
  if (!length || !keep_alive || reinterpret_cast<std::uintptr_t>(nodes.data()) % alignof(Node) != 0) {
    return std::nullopt;
  }
  const std::uint32_t count = *length;
  // The bytes hold Nodes written by tape_nodes() of this same build: read
  // them in place (the type is trivially copyable and the address aligned).
  const auto* data = reinterpret_cast<const Node*>(nodes.data());
  if (!tape_is_valid(data, count, strings.size())) return std::nullopt;
  Document doc;
  doc.m_keep_alive = std::move(keep_alive);
  doc.m_node_data = data;
  doc.m_node_count = count;
  doc.m_string_data = strings.data();
  doc.m_string_size = strings.size();
  return doc;
}

bool Document::tape_is_valid(const Node* nodes, std::uint32_t count, std::size_t string_size) {
  if (count == 0) return false;
  // One pass in document order, as emit() walks it: every open container
  // knows its end, how many children it claims and how many were seen;
  // inside an object, key nodes and values alternate. The bottom entry
  // stands for the document itself: it ends at `count` and holds exactly
  // one value (a second root would be a second child).
  struct Open {
    std::uint32_t end;
    std::uint32_t claimed;
    std::uint32_t seen;
    bool is_object;
    bool want_key;
  };
  std::vector<Open> open;
  open.reserve(32);
  open.push_back(Open{count, 1, 0, false, false});
  auto finished = [](const Open& done) { return done.seen == done.claimed && (!done.is_object || done.want_key); };
  auto in_pool = [&](const Node& node) {
    return node.payload <= string_size && node.size <= string_size - node.payload;
  };
  for (std::uint32_t i = 0; i < count; ++i) {
    // The bottom entry ends at `count`: never popped here.
    while (open.back().end == i) {
      if (!finished(open.back())) return false;
      open.pop_back();
    }
    Open& parent = open.back();
    const Node& node = nodes[i];
    if (node.unused != 0) return false;
    const bool is_key = (node.flags & kKeyNode) != 0;
    if (parent.is_object) {
      if (parent.want_key != is_key) return false;
      parent.seen += is_key ? 1 : 0;
      parent.want_key = !is_key;
    } else {
      if (is_key) return false;
      ++parent.seen;
    }
    switch (node.kind) {
      case Kind::Null:
      case Kind::Bool:
        if (node.flags != 0 || node.size != 0 || node.payload > 1) return false;
        break;
      case Kind::Integer:
        if (node.flags == kFitsInt64 ? node.size != 0 : (node.flags != 0 || node.size == 0 || !in_pool(node))) {
          return false;
        }
        break;
      case Kind::Float:
        if (node.flags != 0 || node.size != 0 || !std::isfinite(std::bit_cast<double>(node.payload))) return false;
        break;
      case Kind::String:
        if ((node.flags & ~kKeyNode) != 0 || !in_pool(node)) return false;
        break;
      case Kind::Array:
      case Kind::Object: {
        if (node.flags != 0 || node.payload <= i || node.payload > parent.end) return false;
        const Open child{static_cast<std::uint32_t>(node.payload), node.size, 0, node.kind == Kind::Object, true};
        open.push_back(child);  // `parent` may move now: not used again
        break;
      }
      default:
        return false;  // not a Kind
    }
  }
  while (open.size() > 1) {
    if (open.back().end != count || !finished(open.back())) return false;
    open.pop_back();
  }
  return open.back().seen == 1;
}

// --- DocumentBuilder -------------------------------------------------------

DocumentBuilder::DocumentBuilder() = default;

Document DocumentBuilder::take() {
  m_doc.view_owned();  // pushes may have moved the storage
  Document done = std::move(m_doc);
  m_doc = Document();
  m_open.clear();
  return done;
}

void DocumentBuilder::reserve_for_text(std::size_t text_bytes) {
  // Real captures and schemas hold one node per 15-30 bytes of text and
  // strings are at most the text; pages never written are never touched.
  m_doc.m_nodes.reserve(text_bytes / 12 + 16);
  m_doc.m_strings.reserve(text_bytes * 2 / 3 + 16);
}

std::uint32_t DocumentBuilder::push(Kind kind, std::uint8_t flags, std::uint32_t size, std::uint64_t payload) {
  // Arrays count their elements here; objects count members at key().
  if (!m_open.empty() && (flags & kKeyNode) == 0) {
    auto& parent = m_doc.m_nodes[m_open.back()];
    if (parent.kind == Kind::Array) ++parent.size;
  }
  m_doc.m_nodes.push_back({kind, flags, 0, size, payload});
  return static_cast<std::uint32_t>(m_doc.m_nodes.size() - 1);
}

std::uint32_t DocumentBuilder::push_string(Kind kind, std::uint8_t flags, std::string_view text) {
  const std::uint64_t offset = m_doc.m_strings.size();
  m_doc.m_strings.append(text);
  return push(kind, flags, static_cast<std::uint32_t>(text.size()), offset);
}

bool DocumentBuilder::null_value() { return push(Kind::Null, 0, 0, 0), true; }
bool DocumentBuilder::bool_value(bool value) { return push(Kind::Bool, 0, 0, value ? 1 : 0), true; }
bool DocumentBuilder::integer_value(std::string_view text, std::int64_t value, bool fits) {
  if (fits) return push(Kind::Integer, kFitsInt64, 0, static_cast<std::uint64_t>(value)), true;
  return push_string(Kind::Integer, 0, text), true;
}
bool DocumentBuilder::float_value(double value) {
  return push(Kind::Float, 0, 0, std::bit_cast<std::uint64_t>(value)), true;
}
bool DocumentBuilder::string_value(std::string_view value) {
  if (value.size() > std::numeric_limits<std::uint32_t>::max()) return false;
  return push_string(Kind::String, 0, value), true;
}
bool DocumentBuilder::key(std::string_view name) {
  if (name.size() > std::numeric_limits<std::uint32_t>::max()) return false;
  ++m_doc.m_nodes[m_open.back()].size;
  return push_string(Kind::String, kKeyNode, name), true;
}
bool DocumentBuilder::begin_object() {
  m_open.push_back(push(Kind::Object, 0, 0, 0));
  return true;
}
bool DocumentBuilder::begin_array() {
  m_open.push_back(push(Kind::Array, 0, 0, 0));
  return true;
}
bool DocumentBuilder::close() {
  // A container's payload is the index one past its last node.
  m_doc.m_nodes[m_open.back()].payload = m_doc.m_nodes.size();
  m_open.pop_back();
  return true;
}
bool DocumentBuilder::end_object() { return close(); }
bool DocumentBuilder::end_array() { return close(); }

// --- emit / equality --------------------------------------------------------

bool emit(Value value, JsonHandler& handler) {
  const Document& doc = *value.m_doc;
  // The tape is in document order: walk it linearly, closing containers as
  // their end index is reached. No recursion, whatever the depth.
  struct Open {
    std::uint32_t end;
    bool is_object;
  };
  std::vector<Open> open;
  const std::uint32_t end = doc.next_sibling(value.m_index);
  for (std::uint32_t i = value.m_index; i < end; ++i) {
    while (!open.empty() && open.back().end == i) {
      if (!(open.back().is_object ? handler.end_object() : handler.end_array())) return false;
      open.pop_back();
    }
    const Value v(&doc, i);
    const Document::Node& node = doc.m_node_data[i];
    bool ok = true;
    switch (node.kind) {
      case Kind::Null: ok = handler.null_value(); break;
      case Kind::Bool: ok = handler.bool_value(v.as_bool()); break;
      case Kind::Integer: {
        const IntegerText text = v.integer_text();
        ok = handler.integer_value(text, v.fits_int64() ? v.as_int() : 0, v.fits_int64());
        break;
      }
      case Kind::Float: ok = handler.float_value(v.as_double()); break;
      case Kind::String:
        ok = (node.flags & kKeyNode) ? handler.key(v.as_string()) : handler.string_value(v.as_string());
        break;
      case Kind::Array:
      case Kind::Object:
        ok = node.kind == Kind::Object ? handler.begin_object() : handler.begin_array();
        open.push_back({static_cast<std::uint32_t>(node.payload), node.kind == Kind::Object});
        break;
    }
    if (!ok) return false;
  }
  while (!open.empty()) {
    if (!(open.back().is_object ? handler.end_object() : handler.end_array())) return false;
    open.pop_back();
  }
  return true;
}

namespace {

// Compares `a` and `b` one level deep: scalars completely, containers by
// size, handing their child pairs to `nested` (which compares them later).
template <class Nested>
bool shallow_equal(Value a, Value b, Nested&& nested) {
  if (a.is_number() && b.is_number()) {
    if (a.is_integer() && b.is_integer()) {
      // Texts are canonical, and one that does not fit 64 bits never equals
      // one that does.
      if (a.fits_int64() != b.fits_int64()) return false;
      if (a.fits_int64()) return a.as_int() == b.as_int();
      return a.integer_text() == b.integer_text();
    }
    return a.as_double() == b.as_double();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Null: return true;
    case Kind::Bool: return a.as_bool() == b.as_bool();
    case Kind::String: return a.as_string() == b.as_string();
    case Kind::Array: {
      if (a.size() != b.size()) return false;
      auto ib = b.elements().begin();
      for (const Value element : a.elements()) nested(element, *ib++);
      return true;
    }
    case Kind::Object: {
      if (a.size() != b.size()) return false;
      for (const auto member : a.members()) {
        const auto other = b.find(member.key);
        if (!other) return false;
        nested(member.value, *other);
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace

bool json_equal(Value a, Value b) {
  // Iterative: two documents nested as deep as the reader allows compare
  // without using the stack (uniqueItems over two 49,000-deep arrays
  // overflowed it). Scalars, the common case, allocate nothing.
  std::vector<std::pair<Value, Value>> pending;
  const auto nested = [&](Value x, Value y) { pending.emplace_back(x, y); };
  if (!shallow_equal(a, b, nested)) return false;
  while (!pending.empty()) {
    const auto [x, y] = pending.back();
    pending.pop_back();
    if (!shallow_equal(x, y, nested)) return false;
  }
  return true;
}

namespace {

std::uint64_t mix(std::uint64_t x) {
  // splitmix64's finalizer.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// A hash consistent with json::json_equal (numbers by value, objects in any
// order), computed from emit()'s events so that depth costs no stack.
class HashHandler final : public JsonHandler {
public:
  std::uint64_t result() const { return m_result; }

  bool null_value() override { return deliver(0x6e756c6cULL); }
  bool bool_value(bool value) override { return deliver(value ? 0x74727565ULL : 0x66616c73ULL); }
  bool integer_value(std::string_view text, std::int64_t value, bool fits) override {
    double d = fits ? static_cast<double>(value) : std::strtod(std::string(text).c_str(), nullptr);
    return number(d);
  }
  bool float_value(double value) override { return number(value); }
  bool string_value(std::string_view value) override {
    return deliver(mix(std::hash<std::string_view>{}(value) ^ 0x737472ULL));
  }
  bool begin_object() override {
    m_levels.push_back({true, 0x6f626aULL, 0});
    return true;
  }
  bool key(std::string_view name) override {
    m_levels.back().key_hash = std::hash<std::string_view>{}(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool begin_array() override {
    m_levels.push_back({false, 0x617272ULL, 0});
    return true;
  }
  bool end_array() override { return close(); }

private:
  struct Level {
    bool object;
    std::uint64_t accumulator;
    std::uint64_t key_hash;
  };
  bool number(double value) {
    if (value == 0) value = 0;  // -0 == 0
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return deliver(mix(bits ^ 0x6e756dULL));
  }
  bool deliver(std::uint64_t hash) {
    if (m_levels.empty()) {
      m_result = hash;
    } else if (m_levels.back().object) {
      m_levels.back().accumulator += mix(m_levels.back().key_hash ^ mix(hash));  // order-free
    } else {
      m_levels.back().accumulator = mix(m_levels.back().accumulator * 31 + hash);
    }
    return true;
  }
  bool close() {
    const std::uint64_t hash = mix(m_levels.back().accumulator);
    m_levels.pop_back();
    return deliver(hash);
  }
  std::vector<Level> m_levels;
  std::uint64_t m_result = 0;
};


}  // namespace

std::uint64_t json_hash(Value value) {
  HashHandler handler;
  emit(value, handler);
  return handler.result();
}

std::optional<std::pair<std::size_t, std::size_t>> find_equal_items(Value array) {
  std::size_t first = 0;
  std::size_t second = 0;
  if (array.size() <= 16) {
    std::size_t i = 0;
    for (const Value a : array.elements()) {
      std::size_t j = 0;
      for (const Value b : array.elements()) {
        if (j > i && json_equal(a, b)) return std::pair(i, j);
        ++j;
      }
      ++i;
    }
    return std::nullopt;
  }
  std::vector<Value> items;
  items.reserve(array.size());
  for (const Value element : array.elements()) items.push_back(element);
  std::vector<std::pair<std::uint64_t, std::size_t>> hashes;
  hashes.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) hashes.emplace_back(json_hash(items[i]), i);
  std::sort(hashes.begin(), hashes.end());
  bool found = false;
  for (std::size_t start = 0; start < hashes.size();) {
    std::size_t end = start + 1;
    while (end < hashes.size() && hashes[end].first == hashes[start].first) ++end;
    for (std::size_t a = start; a < end; ++a) {
      for (std::size_t b = a + 1; b < end; ++b) {
        const std::size_t i = hashes[a].second;
        const std::size_t j = hashes[b].second;
        if (json_equal(items[i], items[j]) &&
            (!found || std::max(i, j) < second)) {
          first = std::min(i, j);
          second = std::max(i, j);
          found = true;
        }
      }
    }
    start = end;
  }
  if (!found) return std::nullopt;
  return std::pair(first, second);
}


}  // namespace fixturegen::json
