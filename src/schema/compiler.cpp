// Turns schema documents into a Program: first every reachable document is
// indexed (which URIs and anchors name which nodes, what base URI is in
// effect where), then schemas are compiled on demand from a work list, so
// that a `$ref` only needs an index and cycles cost nothing.

#include "describe.hpp"
#include "metaschemas.hpp"
#include "program.hpp"
#include "uri.hpp"

#include <fixturegen/json/pointer.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace fixturegen::schema {

namespace {

// Deeper schemas than this are refused rather than risking the stack.
constexpr int kMaxSchemaDepth = 512;

using BaseId = std::uint32_t;  // index into Compiler::m_bases
inline constexpr BaseId kNoBase = std::numeric_limits<BaseId>::max();

// No pointer text and no URI string here: a location is copied for every
// subschema, and its JSON pointer is only ever needed for a report, when it
// is derived from the node (pointer_to).
struct Location {
  std::uint32_t doc = 0;  // index into Compiler::m_docs
  json::Value node;
  BaseId base = kNoBase;  // base URI in effect at the node (after its own $id)
};

struct DocInfo {
  std::shared_ptr<const json::Document> document;
  std::string prefix;  // "" for the schema being compiled, "URI#" for others
  // Per tape node: the base URI recorded by the index (kNoBase when the
  // node is no indexed schema), and its compiled schema id.
  std::vector<BaseId> bases;
  std::vector<SchemaId> ids;
};

std::uint64_t node_key(std::uint32_t doc, json::Value node) {
  return (std::uint64_t{doc} << 32) | node.index();
}

std::uint32_t node_count(json::Value root) {
  if (root.is_object()) return root.members().last;
  if (root.is_array()) return root.elements().last;
  return 1;
}

// The keywords compile_body reads. A schema object's members are sorted
// into this table once (Compiler::load_keywords) instead of being searched
// for each of them in turn.
constexpr std::string_view kKeywords[] = {
    "type", "enum", "const", "multipleOf", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "format", "items",
    "additionalItems", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains",
    "minContains", "maxContains", "properties", "patternProperties", "additionalProperties",
    "required", "minProperties", "maxProperties", "dependencies", "dependentRequired",
    "dependentSchemas", "propertyNames", "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf",
    "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
    // Only where subschemas are found (index_node).
    "definitions", "$defs", "contentSchema"};
constexpr std::size_t kKeywordCount = std::size(kKeywords);
static_assert(kKeywordCount <= 64);

// A keyword of kKeywords, named by a literal checked at compile time.
class Keyword {
public:
  consteval Keyword(const char* name) : m_index(index_of(name)) {}  // NOLINT: implicit on purpose
  constexpr std::size_t index() const { return m_index; }
  std::string_view name() const { return kKeywords[m_index]; }

private:
  static consteval std::uint8_t index_of(std::string_view name) {
    for (std::size_t i = 0; i < kKeywordCount; ++i) {
      if (kKeywords[i] == name) return static_cast<std::uint8_t>(i);
    }
    throw "not in kKeywords";  // a compile error, never run
  }
  std::uint8_t m_index;
};

// The index of `key` in kKeywords, or kKeywordCount: by length first, so most
// keys are told apart without comparing any characters.
std::size_t keyword_index(std::string_view key) {
  static constexpr auto by_length = [] {
    std::array<std::array<std::uint8_t, 8>, 24> table{};
    for (auto& row : table) row.fill(0xFF);
    for (std::size_t i = 0; i < kKeywordCount; ++i) {
      auto& row = table[kKeywords[i].size()];
      std::size_t slot = 0;
      while (row[slot] != 0xFF) ++slot;
      row[slot] = static_cast<std::uint8_t>(i);
    }
    return table;
  }();
  if (key.size() >= by_length.size()) return kKeywordCount;
  for (const std::uint8_t i : by_length[key.size()]) {
    if (i == 0xFF) break;
    if (kKeywords[i] == key) return i;
  }
  return kKeywordCount;
}

// What a keyword holds, for finding the subschemas of a schema object.
enum class Holds : std::uint8_t { Nothing, Schema, SchemaOrArray, Array, Map };

// Per draft, indexed like kKeywords (and kKeywordCount, for other keys).
constexpr auto make_holds(bool draft7) {
  std::array<Holds, kKeywordCount + 1> table{};
  const auto set = [&](Keyword keyword, Holds holds) { table[keyword.index()] = holds; };
  for (const Keyword keyword : {Keyword("additionalProperties"), Keyword("contains"),
                                Keyword("propertyNames"), Keyword("if"), Keyword("then"),
                                Keyword("else"), Keyword("not")}) {
    set(keyword, Holds::Schema);
  }
  for (const Keyword keyword : {Keyword("allOf"), Keyword("anyOf"), Keyword("oneOf")}) set(keyword, Holds::Array);
  for (const Keyword keyword : {Keyword("properties"), Keyword("patternProperties"), Keyword("definitions")}) {
    set(keyword, Holds::Map);
  }
  if (draft7) {
    set("additionalItems", Holds::Schema);
    set("items", Holds::SchemaOrArray);
    set("dependencies", Holds::Map);
  } else {
    for (const Keyword keyword : {Keyword("items"), Keyword("unevaluatedItems"),
                                  Keyword("unevaluatedProperties"), Keyword("contentSchema")}) {
      set(keyword, Holds::Schema);
    }
    set("prefixItems", Holds::Array);
    set("$defs", Holds::Map);
    set("dependentSchemas", Holds::Map);
  }
  return table;
}
constexpr auto kHolds7 = make_holds(true);
constexpr auto kHolds2020 = make_holds(false);

class Compiler {
public:
  Compiler(const SchemaStore& store, const ValidatorOptions& options, Program& program)
      : m_store(store), m_options(options), m_program(program),
        m_draft7(options.draft == Draft::Draft7) {}

  Expected<void> compile(std::shared_ptr<const json::Document> document, const std::string& uri) {
    const std::string base(strip_fragment(uri));
    const std::uint32_t doc = add_document(std::move(document), base, /*main=*/true);
    if (m_error) return std::move(*m_error);
    Location root{doc, m_docs[doc].document->root(), intern(base)};
    root.base = info_base(doc, root.node, root.base);
    m_program.root = schema_id(root);
    for (std::size_t i = 0; i < m_work.size() && !m_error; ++i) {
      // Copy: compiling may grow m_work.
      const auto [id, location] = m_work[i];
      compile_body(id, location);
    }
    if (m_error) return std::move(*m_error);
    return {};
  }

private:
  // ---- documents and the URI index -------------------------------------

  std::uint32_t add_document(std::shared_ptr<const json::Document> document,
                             const std::string& uri, bool main) {
    const auto doc = static_cast<std::uint32_t>(m_docs.size());
    m_program.documents.push_back(document);
    m_program.pointers.add_document(main ? std::string() : uri + "#");
    m_docs.push_back({std::move(document), main ? std::string() : uri + "#", {}, {}});
    const json::Value root = m_docs[doc].document->root();
    const std::uint32_t nodes = node_count(root);
    m_docs[doc].bases.assign(nodes, kNoBase);
    m_docs[doc].ids.assign(nodes, kNoSchema);
    const BaseId base = intern(uri);
    Location location{doc, root, base};
    m_resources.emplace(uri, location);
    m_resource_roots.insert(node_key(doc, root));
    index_node(doc, root, base, 0);
    return doc;
  }

  BaseId intern(std::string_view uri) {
    // Few distinct bases (one per document or $id): a linear scan beats a map.
    for (BaseId i = 0; i < m_bases.size(); ++i) {
      if (m_bases[i] == uri) return i;
    }
    m_bases.emplace_back(uri);
    return static_cast<BaseId>(m_bases.size() - 1);
  }

  void fail(std::string message) {
    if (!m_error) m_error = Error::check(std::move(message));
  }

  // Records the base URI of every schema node and the URIs/anchors it
  // declares. Only keywords that hold schemas are entered: an "$id" inside
  // an `enum` value or a property named "$id" declares nothing.
  void index_node(std::uint32_t doc, json::Value node, BaseId base, int depth) {
    if (depth > kMaxSchemaDepth) {
      fail("schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels at " +
           display(doc, node));
      return;
    }
    if (!node.is_object()) {
      BaseId& slot = m_docs[doc].bases[node.index()];
      if (node.is_bool() && slot == kNoBase) slot = base;
      return;
    }
    BaseId here = base;
    bool resource_root = m_resource_roots.count(node_key(doc, node)) > 0;
    // One pass for the keywords that name things (all start with '$').
    std::optional<json::Value> ref, id, anchor, dynamic_anchor;
    for (const auto member : node.members()) {
      const std::string_view key = member.key;
      if (key.size() < 3 || key.front() != '$') continue;
      if (key == "$ref") ref = member.value;
      else if (key == "$id") id = member.value;
      else if (key == "$anchor") anchor = member.value;
      else if (key == "$dynamicAnchor") dynamic_anchor = member.value;
    }
    const bool has_ref = ref && ref->is_string();
    if (id && id->is_string() && !(m_draft7 && has_ref)) {
      const std::string_view text = id->as_string();
      if (m_draft7 && !text.empty() && text.front() == '#') {
        // draft-07 location-independent identifier: a plain-name anchor.
        m_anchors.emplace(std::string(strip_fragment(m_bases[base])) + std::string(text),
                          Location{doc, node, base});
      } else {
        const std::string resolved = resolve_uri(m_bases[base], text);
        const SplitUri split = split_fragment(resolved);
        here = intern(split.base);
        resource_root = true;
        m_resources.emplace(std::string(split.base), Location{doc, node, here});
        if (split.has_fragment && !split.fragment.empty() && split.fragment.front() != '/') {
          m_anchors.emplace(resolved, Location{doc, node, here});
        }
      }
    }
    if (!m_draft7) {
      if (anchor && anchor->is_string()) {
        m_anchors.emplace(m_bases[here] + "#" + std::string(anchor->as_string()),
                          Location{doc, node, here});
      }
      if (dynamic_anchor && dynamic_anchor->is_string()) {
        const std::string name(dynamic_anchor->as_string());
        m_anchors.emplace(m_bases[here] + "#" + name, Location{doc, node, here});
        m_dynamic_anchors[m_bases[here]].emplace_back(name, Location{doc, node, here});
      }
    }
    if (resource_root) m_resource_roots.insert(node_key(doc, node));
    BaseId& slot = m_docs[doc].bases[node.index()];
    if (slot == kNoBase) slot = here;
    for_each_subschema(node, [&](json::Value child) { index_node(doc, child, here, depth + 1); });
  }

  template <class F>
  void for_each_subschema(json::Value node, F&& visit) {
    const auto& holds = m_draft7 ? kHolds7 : kHolds2020;
    for (const auto member : node.members()) {
      const json::Value value = member.value;
      switch (holds[keyword_index(member.key)]) {
        case Holds::Nothing: break;
        case Holds::Schema: visit(value); break;
        case Holds::SchemaOrArray:
          if (!value.is_array()) {
            visit(value);
            break;
          }
          [[fallthrough]];
        case Holds::Array:
          for (const json::Value element : value.elements()) visit(element);
          break;
        case Holds::Map:
          for (const auto entry : value.members()) {
            if (entry.value.is_object() || entry.value.is_bool()) visit(entry.value);
          }
          break;
      }
    }
  }

  // Where `node` (then `keyword`, then `key` inside it) is, for messages.
  std::string display(std::uint32_t doc, json::Value node, std::string_view keyword = {},
                      std::string_view key = {}) const {
    std::string pointer = pointer_to(m_docs[doc].document->root(), node);
    for (const std::string_view token : {keyword, key}) {
      if (token.data() == nullptr) break;
      pointer += '/';
      pointer += json::escape_pointer_token(token);
    }
    const std::string& prefix = m_docs[doc].prefix;
    if (prefix.empty()) return pointer.empty() ? std::string("the schema root") : pointer;
    return prefix + pointer;
  }

  BaseId info_base(std::uint32_t doc, json::Value node, BaseId fallback) const {
    const BaseId found = m_docs[doc].bases[node.index()];
    return found == kNoBase ? fallback : found;
  }

  // The resource (document or $id'd subschema) named by `uri`, loading the
  // document from the store, or the embedded metaschemas, when unknown.
  const Location* find_resource(const std::string& uri) {
    if (const auto found = m_resources.find(uri); found != m_resources.end()) return &found->second;
    std::shared_ptr<const json::Document> document = m_store.find(uri);
    if (!document) document = embedded_metaschema(uri);
    if (!document || document->empty()) return nullptr;
    add_document(std::move(document), uri, false);
    const auto found = m_resources.find(uri);
    return found == m_resources.end() ? nullptr : &found->second;
  }

  std::optional<Location> resolve_ref(const Location& from, std::string_view keyword,
                                      std::string_view reference) {
    const std::string absolute = resolve_uri(m_bases[from.base], reference);
    const SplitUri split = split_fragment(absolute);
    const std::string base(split.base);
    const auto where = [&] {
      return "$ref \"" + std::string(reference) + "\" at " +
             display(from.doc, from.node, keyword);
    };
    std::string fragment;
    if (!percent_decode(split.fragment, fragment)) {
      fail("cannot resolve " + where() + ": bad %-escape in the fragment");
      return std::nullopt;
    }
    if (fragment.empty() || fragment.front() == '/') {
      const Location* resource = find_resource(base);
      if (resource == nullptr) {
        fail("cannot resolve " + where() + ": no schema is known as \"" + base + "\"");
        return std::nullopt;
      }
      std::vector<std::string> tokens;
      if (!json::split_pointer(fragment, tokens)) {
        fail("cannot resolve " + where() + ": \"" + fragment + "\" is not a JSON pointer");
        return std::nullopt;
      }
      json::Value node = resource->node;
      for (const std::string& token : tokens) {
        std::optional<json::Value> next;
        if (node.is_object()) {
          next = node.find(token);
        } else if (node.is_array()) {
          // RFC 6901: "0" or digits without a leading zero. from_chars
          // refuses what does not fit (it used to wrap around to a small
          // index: .../18446744073709551616 was element 0).
          std::size_t index = 0;
          const char* end = token.data() + token.size();
          const auto [stop, ec] = std::from_chars(token.data(), end, index);
          const bool numeric = !token.empty() && (token == "0" || token.front() != '0') &&
                               ec == std::errc() && stop == end;
          if (numeric && index < node.size()) {
            std::size_t i = 0;
            for (const json::Value element : node.elements()) {
              if (i++ == index) {
                next = element;
                break;
              }
            }
          }
        }
        if (!next) {
          fail("cannot resolve " + where() + ": \"" + absolute + "\" points at nothing");
          return std::nullopt;
        }
        node = *next;
      }
      Location target{resource->doc, node, resource->base};
      target.base = info_base(target.doc, node, resource->base);
      return target;
    }
    std::string anchor_key = base + "#" + fragment;
    auto found = m_anchors.find(anchor_key);
    if (found == m_anchors.end()) {
      find_resource(base);  // loads the document that may declare it
      found = m_anchors.find(anchor_key);
    }
    if (found == m_anchors.end()) {
      fail("cannot resolve " + where() + ": no anchor \"" + fragment + "\" in \"" + base + "\"");
      return std::nullopt;
    }
    return found->second;
  }

  // ---- schema ids ---------------------------------------------------------

  SchemaId schema_id(const Location& location) {
    const std::uint64_t key = node_key(location.doc, location.node);
    if (const SchemaId known = m_docs[location.doc].ids[location.node.index()]; known != kNoSchema) {
      return known;
    }
    if (m_error) return kNoSchema;
    if (m_draft7 && location.node.is_object()) {
      // draft-07: a schema with $ref is that reference, its siblings are
      // ignored; so it compiles to the target's id (no extra frame).
      if (const auto ref = location.node.find("$ref"); ref && ref->is_string()) {
        if (!m_aliasing.insert(key).second) {
          fail("$ref cycle that never reaches a schema at " +
               display(location.doc, location.node, "$ref"));
          return kNoSchema;
        }
        const auto target = resolve_ref(location, "$ref", ref->as_string());
        const SchemaId id = target ? schema_id(*target) : kNoSchema;
        m_aliasing.erase(key);
        if (id != kNoSchema) set_id(location, id);
        return id;
      }
    }
    const auto id = static_cast<SchemaId>(m_program.schemas.size());
    m_program.schemas.emplace_back();
    set_id(location, id);
    m_work.emplace_back(id, location);
    return id;
  }

  void set_id(const Location& location, SchemaId id) {
    SchemaId& slot = m_docs[location.doc].ids[location.node.index()];
    if (slot == kNoSchema) slot = id;  // the first one wins, as a map's emplace
  }

  Location child(const Location& parent, json::Value node) {
    return Location{parent.doc, node, info_base(parent.doc, node, parent.base)};
  }

  std::uint32_t keyword_pointer(const Location& location, std::string_view keyword) {
    return m_program.pointers.add(KeywordRef{location.doc, location.node, keyword});
  }

  void emit(Op op, std::uint32_t a, std::uint64_t n, std::uint32_t keyword) {
    m_program.code.push_back(Instruction{op, a, n, keyword});
  }

  void bad_keyword(const Location& location, std::string_view keyword, std::string_view what) {
    fail("invalid schema: \"" + std::string(keyword) + "\" at " +
         display(location.doc, location.node, keyword) + " must be " +
         std::string(what));
  }

  bool read_count_keyword(const Location& location, Keyword keyword, std::uint64_t& out) {
    const auto value = this->keyword(location, keyword);
    if (!value) return false;
    if (!read_count(*value, out)) {
      bad_keyword(location, keyword.name(), "a non-negative integer of at most 2^63 - 1");
      return false;
    }
    return true;
  }

  // `keyword` then `key` name where the pattern sits, for the message.
  std::uint32_t compile_regex(const Location& location, std::string_view keyword,
                              std::string_view key, std::string_view pattern) {
    RegexOptions options;
    options.match_limit = m_options.pattern_match_limit;
    Expected<Regex> regex = compile_ecma_regex(pattern, options);
    if (!regex) {
      fail("invalid schema: pattern " + quote(pattern, 200) + " at " +
           display(location.doc, location.node, keyword, key) + " does not compile: " +
           regex.error().message);
      return 0;
    }
    m_program.regexes.push_back(std::move(*regex));
    return static_cast<std::uint32_t>(m_program.regexes.size() - 1);
  }

  std::vector<SchemaId> schema_list(const Location& location, std::string_view keyword,
                                    json::Value array) {
    std::vector<SchemaId> ids;
    if (!array.is_array() || array.size() == 0) {
      bad_keyword(location, keyword, "a non-empty array of schemas");
      return ids;
    }
    for (const json::Value element : array.elements()) {
      ids.push_back(schema_id(child(location, element)));
    }
    return ids;
  }

  // ---- one schema's instructions ----------------------------------------

  // Sorts the members of the schema object being compiled into m_keywords.
  void load_keywords(json::Value node) {
    m_keywords_present = 0;
    m_keywords_node = node;
    for (const auto member : node.members()) {
      const std::size_t i = keyword_index(member.key);
      if (i == kKeywordCount) continue;
      m_keywords[i] = member.value;
      m_keywords_present |= std::uint64_t{1} << i;
    }
  }

  std::optional<json::Value> keyword(const Location& location, Keyword keyword) const {
    const json::Value node = location.node;
    if (node.document() != m_keywords_node.document() || node.index() != m_keywords_node.index()) {
      return node.find(keyword.name());
    }
    if ((m_keywords_present >> keyword.index() & 1) == 0) return std::nullopt;
    return m_keywords[keyword.index()];
  }

  void compile_body(SchemaId id, const Location& location) {
    const json::Value node = location.node;
    const auto first = static_cast<std::uint32_t>(m_program.code.size());
    if (node.is_bool()) {
      if (!node.as_bool()) {
        emit(Op::False, 0, 0, m_program.pointers.add(KeywordRef{location.doc, node, {}}));
      }
      finish(id, first);
      return;
    }
    if (!node.is_object()) {
      fail("invalid schema: expected an object or a boolean at " +
           display(location.doc, node) + ", found " + found(node));
      return;
    }
    if (!m_draft7) m_program.schemas[id].resource = resource_index(m_bases[location.base]);
    load_keywords(node);

    compile_type(location);
    compile_values(location);
    compile_numbers(location);
    compile_strings(location);
    compile_arrays(location);
    compile_objects(location);
    compile_applicators(location);
    const auto last_regular = m_program.code.size();
    compile_unevaluated(location);
    finish(id, first);
    m_program.schemas[id].has_unevaluated = m_program.code.size() != last_regular;
  }

  void finish(SchemaId id, std::uint32_t first) {
    m_program.schemas[id].first = first;
    m_program.schemas[id].last = static_cast<std::uint32_t>(m_program.code.size());
  }

  // The dynamic-scope entry for the resource named `base`, with its
  // $dynamicAnchors compiled (2020-12).
  std::uint32_t resource_index(const std::string& base) {
    if (const auto found = m_resource_indices.find(base); found != m_resource_indices.end()) {
      return found->second;
    }
    const auto index = static_cast<std::uint32_t>(m_program.resources.size());
    m_program.resources.emplace_back();
    m_resource_indices.emplace(base, index);
    const auto anchors = m_dynamic_anchors.find(base);
    if (anchors == m_dynamic_anchors.end()) return index;
    // Copy: schema_id() may add documents and so anchors.
    const auto list = anchors->second;
    for (const auto& [name, anchor_location] : list) {
      const SchemaId anchor_id = schema_id(anchor_location);
      m_program.resources[index].dynamic_anchors.emplace_back(name, anchor_id);
    }
    return index;
  }

  void compile_type(const Location& location) {
    const auto type = keyword(location, "type");
    if (!type) return;
    std::uint8_t mask = 0;
    const auto add = [&](json::Value name) {
      if (!name.is_string()) return false;
      const std::string_view text = name.as_string();
      if (text == "null") mask |= kNullBit;
      else if (text == "boolean") mask |= kBooleanBit;
      else if (text == "integer") mask |= kIntegerBit;
      else if (text == "number") mask |= kNumberBit;
      else if (text == "string") mask |= kStringBit;
      else if (text == "array") mask |= kArrayBit;
      else if (text == "object") mask |= kObjectBit;
      else return false;
      return true;
    };
    bool valid = true;
    if (type->is_array()) {
      for (const json::Value element : type->elements()) valid = add(element) && valid;
    } else {
      valid = add(*type);
    }
    if (!valid) {
      bad_keyword(location, "type",
                  "a type name (null, boolean, integer, number, string, array, object) or an "
                  "array of them");
      return;
    }
    emit(Op::Type, mask, 0, keyword_pointer(location, "type"));
  }

  void compile_values(const Location& location) {
    if (const auto value = keyword(location, "const")) {
      m_program.values.push_back(*value);
      emit(Op::Const, static_cast<std::uint32_t>(m_program.values.size() - 1), 0,
           keyword_pointer(location, "const"));
    }
    if (const auto value = keyword(location, "enum")) {
      if (!value->is_array()) {
        bad_keyword(location, "enum", "an array");
        return;
      }
      EnumTable table;
      table.array = *value;
      table.all_strings = true;
      for (const json::Value element : value->elements()) {
        table.values.push_back(element);
        if (element.is_string()) table.strings.push_back(element.as_string());
        else table.all_strings = false;
      }
      std::sort(table.strings.begin(), table.strings.end());
      m_program.enums.push_back(std::move(table));
      emit(Op::Enum, static_cast<std::uint32_t>(m_program.enums.size() - 1), 0,
           keyword_pointer(location, "enum"));
    }
  }

  void compile_numbers(const Location& location) {
    if (const auto value = keyword(location, "multipleOf")) {
      if (!value->is_number() || value->as_double() <= 0) {
        bad_keyword(location, "multipleOf", "a number greater than 0");
        return;
      }
      m_program.divisors.push_back(make_divisor(*value));
      m_program.bound_values.push_back(*value);
      emit(Op::MultipleOf, static_cast<std::uint32_t>(m_program.divisors.size() - 1),
           m_program.bound_values.size() - 1, keyword_pointer(location, "multipleOf"));
    }
    const std::pair<Keyword, Op> bounds[] = {
        {Keyword("minimum"), Op::Minimum},
        {Keyword("maximum"), Op::Maximum},
        {Keyword("exclusiveMinimum"), Op::ExclusiveMinimum},
        {Keyword("exclusiveMaximum"), Op::ExclusiveMaximum},
    };
    for (const auto& [keyword, op] : bounds) {
      const auto value = this->keyword(location, keyword);
      if (!value) continue;
      if (value->is_bool() && (op == Op::ExclusiveMinimum || op == Op::ExclusiveMaximum)) {
        continue;  // draft-04 spelling: nothing to check on its own
      }
      if (!value->is_number()) {
        bad_keyword(location, keyword.name(), "a number");
        return;
      }
      m_program.bounds.push_back(make_bound(*value));
      m_program.bound_values.push_back(*value);
      emit(op, static_cast<std::uint32_t>(m_program.bounds.size() - 1),
           m_program.bound_values.size() - 1, keyword_pointer(location, keyword.name()));
    }
  }

  void compile_strings(const Location& location) {
    std::uint64_t count = 0;
    if (read_count_keyword(location, "minLength", count) && count > 0) {
      emit(Op::MinLength, 0, count, keyword_pointer(location, "minLength"));
    }
    if (read_count_keyword(location, "maxLength", count)) {
      emit(Op::MaxLength, 0, count, keyword_pointer(location, "maxLength"));
    }
    if (const auto pattern = keyword(location, "pattern")) {
      if (!pattern->is_string()) {
        bad_keyword(location, "pattern", "a string");
        return;
      }
      const std::uint32_t regex = compile_regex(location, "pattern", {}, pattern->as_string());
      emit(Op::Pattern, regex, 0, keyword_pointer(location, "pattern"));
    }
    if (const auto format = keyword(location, "format");
        format && format->is_string() && m_options.check_formats) {
      const Format kind = parse_format(format->as_string());
      if (kind != Format::Unknown) {
        emit(Op::Format, static_cast<std::uint32_t>(kind), 0, keyword_pointer(location, "format"));
      }
    }
  }

  void compile_arrays(const Location& location) {
    const auto items = keyword(location, "items");
    if (m_draft7) {
      if (items && items->is_array()) {
        TupleTable table;
        for (const json::Value element : items->elements()) {
          table.items.push_back(schema_id(child(location, element)));
        }
        if (const auto additional = keyword(location, "additionalItems")) {
          if (additional->is_bool() && !additional->as_bool()) {
            table.additional_false = true;
          } else if (!(additional->is_bool() && additional->as_bool())) {
            table.additional = schema_id(child(location, *additional));
          }
          table.additional_keyword = keyword_pointer(location, "additionalItems");
        }
        m_program.tuples.push_back(std::move(table));
        emit(Op::TupleItems, static_cast<std::uint32_t>(m_program.tuples.size() - 1), 0,
             keyword_pointer(location, "items"));
      } else if (items && !(items->is_bool() && items->as_bool())) {
        emit(Op::Items, schema_id(child(location, *items)), 0,
             keyword_pointer(location, "items"));
      }
    } else {
      const auto prefix = keyword(location, "prefixItems");
      if (prefix) {
        TupleTable table;
        table.is_prefix_items = true;
        table.items = schema_list(location, "prefixItems", *prefix);
        if (items) {
          if (items->is_bool() && !items->as_bool()) table.additional_false = true;
          else table.additional = schema_id(child(location, *items));
          table.additional_keyword = keyword_pointer(location, "items");
        }
        m_program.tuples.push_back(std::move(table));
        emit(Op::TupleItems, static_cast<std::uint32_t>(m_program.tuples.size() - 1), 0,
             keyword_pointer(location, "prefixItems"));
      } else if (items) {
        emit(Op::Items, schema_id(child(location, *items)), 0,
             keyword_pointer(location, "items"));
      }
    }
    std::uint64_t count = 0;
    if (read_count_keyword(location, "minItems", count) && count > 0) {
      emit(Op::MinItems, 0, count, keyword_pointer(location, "minItems"));
    }
    if (read_count_keyword(location, "maxItems", count)) {
      emit(Op::MaxItems, 0, count, keyword_pointer(location, "maxItems"));
    }
    if (const auto unique = keyword(location, "uniqueItems"); unique && unique->is_bool() && unique->as_bool()) {
      emit(Op::UniqueItems, 0, 0, keyword_pointer(location, "uniqueItems"));
    }
    if (const auto contains = keyword(location, "contains")) {
      ContainsTable table;
      table.schema = schema_id(child(location, *contains));
      table.min_keyword = keyword_pointer(location, "contains");
      table.max_keyword = table.min_keyword;
      if (!m_draft7) {
        if (read_count_keyword(location, "minContains", count)) {
          table.min = count;
          table.min_keyword = keyword_pointer(location, "minContains");
        }
        if (read_count_keyword(location, "maxContains", count)) {
          table.max = count;
          table.has_max = true;
          table.max_keyword = keyword_pointer(location, "maxContains");
        }
      }
      m_program.contains.push_back(table);
      emit(Op::Contains, static_cast<std::uint32_t>(m_program.contains.size() - 1), 0,
           table.min_keyword);
    }
  }

  void compile_objects(const Location& location) {
    ObjectTable table;
    bool any = false;
    if (const auto properties = keyword(location, "properties")) {
      if (!properties->is_object()) {
        bad_keyword(location, "properties", "an object of schemas");
        return;
      }
      for (const auto member : properties->members()) {
        table.entries.push_back(PropertyEntry{
            member.key, schema_id(child(location, member.value)), -1});
      }
      table.applies_to_members = table.applies_to_members || !table.entries.empty();
      any = true;
    }
    if (const auto patterns = keyword(location, "patternProperties")) {
      if (!patterns->is_object()) {
        bad_keyword(location, "patternProperties", "an object of schemas");
        return;
      }
      for (const auto member : patterns->members()) {
        const std::uint32_t regex =
            compile_regex(location, "patternProperties", member.key, member.key);
        table.patterns.push_back(PatternEntry{
            regex, schema_id(child(location, member.value))});
      }
      table.applies_to_members = table.applies_to_members || !table.patterns.empty();
      any = true;
    }
    if (const auto additional = keyword(location, "additionalProperties")) {
      table.additional_keyword = keyword_pointer(location, "additionalProperties");
      if (additional->is_bool() && !additional->as_bool()) {
        table.additional_false = true;
        table.applies_to_members = true;
      } else if (!(m_draft7 && additional->is_bool())) {
        // `true` only matters to unevaluatedProperties (2020-12).
        table.additional = schema_id(child(location, *additional));
        table.applies_to_members = true;
      }
      any = true;
    }
    if (const auto required = keyword(location, "required")) {
      if (!required->is_array()) {
        bad_keyword(location, "required", "an array of strings");
        return;
      }
      table.required_keyword = keyword_pointer(location, "required");
      std::set<std::string_view> seen;
      for (const json::Value name : required->elements()) {
        if (!name.is_string()) {
          bad_keyword(location, "required", "an array of strings");
          return;
        }
        if (seen.insert(name.as_string()).second) table.required.push_back(name.as_string());
      }
      int bit = 0;
      for (const std::string_view name : table.required) {
        if (bit >= 64) {
          table.required_overflow.push_back(name);
          continue;
        }
        auto entry = std::find_if(table.entries.begin(), table.entries.end(),
                                  [&](const PropertyEntry& e) { return e.key == name; });
        if (entry == table.entries.end()) {
          table.entries.push_back(PropertyEntry{name, kNoSchema, -1});
          entry = table.entries.end() - 1;
        }
        entry->required_bit = bit;
        table.required_mask |= std::uint64_t{1} << bit;
        ++bit;
      }
      any = any || !table.required.empty();
    }
    if (any) {
      std::sort(table.entries.begin(), table.entries.end(),
                [](const PropertyEntry& a, const PropertyEntry& b) { return a.key < b.key; });
      m_program.objects.push_back(std::move(table));
      emit(Op::Object, static_cast<std::uint32_t>(m_program.objects.size() - 1), 0,
           keyword_pointer(location, keyword(location, "properties") ? "properties" : "required"));
    }
    std::uint64_t count = 0;
    if (read_count_keyword(location, "minProperties", count) && count > 0) {
      emit(Op::MinProperties, 0, count, keyword_pointer(location, "minProperties"));
    }
    if (read_count_keyword(location, "maxProperties", count)) {
      emit(Op::MaxProperties, 0, count, keyword_pointer(location, "maxProperties"));
    }
    compile_dependencies(location);
    if (const auto names = keyword(location, "propertyNames")) {
      if (!(names->is_bool() && names->as_bool())) {
        emit(Op::PropertyNames, schema_id(child(location, *names)), 0,
             keyword_pointer(location, "propertyNames"));
      }
    }
  }

  void compile_dependencies(const Location& location) {
    std::vector<DependentRequiredEntry> required;
    std::vector<DependentSchemaEntry> schemas;
    const auto read_names = [&](std::string_view keyword, json::Value list,
                                DependentRequiredEntry& entry) {
      for (const json::Value name : list.elements()) {
        if (!name.is_string()) {
          bad_keyword(location, keyword, "an object whose arrays hold property names");
          return;
        }
        entry.required.push_back(name.as_string());
      }
    };
    if (m_draft7) {
      if (const auto dependencies = keyword(location, "dependencies"); dependencies && dependencies->is_object()) {
        for (const auto member : dependencies->members()) {
          if (member.value.is_array()) {
            DependentRequiredEntry entry{member.key, {}};
            read_names("dependencies", member.value, entry);
            required.push_back(std::move(entry));
          } else {
            schemas.push_back(DependentSchemaEntry{
                member.key, schema_id(child(location, member.value))});
          }
        }
        if (!required.empty()) {
          m_program.dependent_required.push_back(std::move(required));
          emit(Op::DependentRequired,
               static_cast<std::uint32_t>(m_program.dependent_required.size() - 1), 0,
               keyword_pointer(location, "dependencies"));
        }
        if (!schemas.empty()) {
          m_program.dependent_schemas.push_back(std::move(schemas));
          emit(Op::DependentSchemas,
               static_cast<std::uint32_t>(m_program.dependent_schemas.size() - 1), 0,
               keyword_pointer(location, "dependencies"));
        }
      }
      return;
    }
    if (const auto dependent = keyword(location, "dependentRequired"); dependent && dependent->is_object()) {
      for (const auto member : dependent->members()) {
        if (!member.value.is_array()) {
          bad_keyword(location, "dependentRequired", "an object of arrays of property names");
          return;
        }
        DependentRequiredEntry entry{member.key, {}};
        read_names("dependentRequired", member.value, entry);
        required.push_back(std::move(entry));
      }
      m_program.dependent_required.push_back(std::move(required));
      emit(Op::DependentRequired,
           static_cast<std::uint32_t>(m_program.dependent_required.size() - 1), 0,
           keyword_pointer(location, "dependentRequired"));
    }
    if (const auto dependent = keyword(location, "dependentSchemas"); dependent && dependent->is_object()) {
      for (const auto member : dependent->members()) {
        schemas.push_back(DependentSchemaEntry{
            member.key, schema_id(child(location, member.value))});
      }
      m_program.dependent_schemas.push_back(std::move(schemas));
      emit(Op::DependentSchemas,
           static_cast<std::uint32_t>(m_program.dependent_schemas.size() - 1), 0,
           keyword_pointer(location, "dependentSchemas"));
    }
  }

  void compile_applicators(const Location& location) {
    if (!m_draft7) {
      if (const auto ref = keyword(location, "$ref"); ref && ref->is_string()) {
        if (const auto target = resolve_ref(location, "$ref", ref->as_string())) {
          emit(Op::Ref, schema_id(*target), 0, keyword_pointer(location, "$ref"));
        }
      }
      if (const auto ref = keyword(location, "$dynamicRef"); ref && ref->is_string()) {
        compile_dynamic_ref(location, ref->as_string());
      }
    }
    if (const auto all = keyword(location, "allOf")) {
      std::vector<SchemaId> ids = schema_list(location, "allOf", *all);
      if (ids.size() == 1) {
        // allOf with one schema (how generators attach a description to a
        // $ref) is that schema.
        emit(Op::Ref, ids.front(), 0, keyword_pointer(location, "allOf"));
      } else if (!ids.empty()) {
        m_program.lists.push_back(std::move(ids));
        emit(Op::AllOf, static_cast<std::uint32_t>(m_program.lists.size() - 1), 0,
             keyword_pointer(location, "allOf"));
      }
    }
    const std::pair<Keyword, Op> lists[] = {{Keyword("anyOf"), Op::AnyOf}, {Keyword("oneOf"), Op::OneOf}};
    for (const auto& [keyword, op] : lists) {
      if (const auto list = this->keyword(location, keyword)) {
        std::vector<SchemaId> ids = schema_list(location, keyword.name(), *list);
        if (ids.empty()) continue;
        m_program.lists.push_back(std::move(ids));
        emit(op, static_cast<std::uint32_t>(m_program.lists.size() - 1), 0,
             keyword_pointer(location, keyword.name()));
      }
    }
    if (const auto negated = keyword(location, "not")) {
      emit(Op::Not, schema_id(child(location, *negated)), 0, keyword_pointer(location, "not"));
    }
    if (const auto condition = keyword(location, "if")) {
      const auto then_schema = keyword(location, "then");
      const auto else_schema = keyword(location, "else");
      if (then_schema || else_schema || !m_draft7) {
        ConditionTable table;
        table.if_schema = schema_id(child(location, *condition));
        if (then_schema) table.then_schema = schema_id(child(location, *then_schema));
        if (else_schema) table.else_schema = schema_id(child(location, *else_schema));
        m_program.conditions.push_back(table);
        emit(Op::IfThenElse, static_cast<std::uint32_t>(m_program.conditions.size() - 1), 0,
             keyword_pointer(location, "if"));
      }
    }
  }

  void compile_dynamic_ref(const Location& location, std::string_view reference) {
    const auto target = resolve_ref(location, "$dynamicRef", reference);
    if (!target) return;
    DynamicRefTable table;
    table.static_target = schema_id(*target);
    // Dynamic only when the static target itself declares the anchor
    // (the 2020-12 "bookending" rule).
    // Named: split_fragment returns views into its argument.
    const std::string resolved = resolve_uri(m_bases[location.base], reference);
    const SplitUri split = split_fragment(resolved);
    if (split.has_fragment && !split.fragment.empty() && split.fragment.front() != '/' &&
        target->node.is_object()) {
      if (const auto anchor = target->node.find("$dynamicAnchor");
          anchor && anchor->is_string() && anchor->as_string() == split.fragment) {
        table.anchor = std::string(split.fragment);
        m_program.uses_dynamic_scope = true;
      }
    }
    m_program.dynamic_refs.push_back(std::move(table));
    emit(Op::DynamicRef, static_cast<std::uint32_t>(m_program.dynamic_refs.size() - 1), 0,
         keyword_pointer(location, "$dynamicRef"));
  }

  void compile_unevaluated(const Location& location) {
    if (m_draft7) return;
    const std::pair<Keyword, Op> keywords[] = {
        {Keyword("unevaluatedItems"), Op::UnevaluatedItems},
        {Keyword("unevaluatedProperties"), Op::UnevaluatedProperties}};
    for (const auto& [keyword, op] : keywords) {
      if (const auto value = this->keyword(location, keyword)) {
        const bool is_false = value->is_bool() && !value->as_bool();
        emit(op, schema_id(child(location, *value)), is_false ? 1 : 0,
             keyword_pointer(location, keyword.name()));
      }
    }
  }

  const SchemaStore& m_store;
  const ValidatorOptions& m_options;
  Program& m_program;
  bool m_draft7;
  std::optional<Error> m_error;
  std::vector<DocInfo> m_docs;
  std::map<std::string, Location, std::less<>> m_resources;
  std::map<std::string, Location, std::less<>> m_anchors;
  std::map<std::string, std::vector<std::pair<std::string, Location>>, std::less<>>
      m_dynamic_anchors;
  std::vector<std::string> m_bases;  // interned base URIs, named by BaseId
  std::set<std::uint64_t> m_resource_roots;
  std::set<std::uint64_t> m_aliasing;
  std::map<std::string, std::uint32_t, std::less<>> m_resource_indices;
  std::vector<std::pair<SchemaId, Location>> m_work;
  std::array<json::Value, kKeywordCount> m_keywords;  // of m_keywords_node
  std::uint64_t m_keywords_present = 0;
  json::Value m_keywords_node;
};

}  // namespace

Expected<std::unique_ptr<Program>> compile_program(std::shared_ptr<const json::Document> document,
                                                   std::string uri, const SchemaStore& store,
                                                   const ValidatorOptions& options) {
  if (!document || document->empty()) return Error::check("cannot compile an empty schema document");
  auto program = std::make_unique<Program>();
  Compiler compiler(store, options, *program);
  if (auto result = compiler.compile(std::move(document), uri); !result) {
    return std::move(result).error();
  }
  return program;
}

}  // namespace fixturegen::schema
