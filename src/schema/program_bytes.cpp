#include "program_bytes.hpp"

#include "keywords.hpp"

#include <cstring>
#include <type_traits>
#include <utility>

namespace fixturegen::schema {

namespace {

// Bumped whenever the layout below changes (the build id in the cache key
// changes anyway; this keeps a hand-copied entry from being misread).
constexpr std::uint32_t kFormatVersion = 3;
constexpr std::uint32_t kNoDocument = 0xFFFF'FFFF;
// A view naming one of kKeywords (keywords.hpp): read back as that static
// name, with nothing allocated.
constexpr std::uint32_t kKeywordName = 0xFFFF'FFFE;

class ByteWriter {
public:
  explicit ByteWriter(const Program& program) : m_program(program) {}

  template <class T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    m_out.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void put_bytes(std::string_view bytes) {
    put<std::uint64_t>(bytes.size());
    m_out.append(bytes);
  }
  // Bytes that start 8-aligned from the start of the encoding (zeros in
  // between), so that a reader holding the encoding at an aligned address
  // can use a document tape where it lies.
  void put_aligned_bytes(std::string_view bytes) {
    put<std::uint64_t>(bytes.size());
    m_out.append((8 - m_out.size() % 8) % 8, '\0');
    m_out.append(bytes);
  }
  void put_bool(bool value) { put<std::uint8_t>(value ? 1 : 0); }
  void put_id(SchemaId id) { put<std::uint32_t>(id); }
  // A value of a program document; any other (none, or another document's)
  // makes the program one that cannot be cached.
  void put_value(json::Value value) {
    const std::uint32_t doc = value.document() == nullptr ? kNoDocument : document_of(value.document());
    if (doc == kNoDocument) m_ok = false;
    put<std::uint32_t>(doc);
    put<std::uint32_t>(value.index());
  }
  // A view into a document's string pool is stored as where it is there;
  // anything else (a keyword name in static storage) as its text.
  void put_view(std::string_view view) {
    for (std::uint32_t doc = 0; doc < m_program.documents.size(); ++doc) {
      const std::string_view pool = m_program.documents[doc]->string_pool();
      if (!view.empty() && view.data() >= pool.data() && view.data() + view.size() <= pool.data() + pool.size()) {
        put<std::uint32_t>(doc);
        put<std::uint64_t>(static_cast<std::uint64_t>(view.data() - pool.data()));
        put<std::uint64_t>(view.size());
        return;
      }
    }
    if (const std::size_t keyword = keyword_index(view); keyword < kKeywordCount) {
      put<std::uint32_t>(kKeywordName);
      put<std::uint32_t>(static_cast<std::uint32_t>(keyword));
      return;
    }
    put<std::uint32_t>(kNoDocument);
    put_bytes(view);
  }
  template <class T, class F>
  void put_list(const std::vector<T>& items, F&& each) {
    put<std::uint64_t>(items.size());
    for (const T& item : items) each(item);
  }

  // nullopt when a value pointed outside the program's documents.
  std::optional<std::string> take() {
    if (!m_ok) return std::nullopt;
    return std::move(m_out);
  }

private:
  std::uint32_t document_of(const json::Document* document) const {
    for (std::uint32_t doc = 0; doc < m_program.documents.size(); ++doc) {
      if (m_program.documents[doc].get() == document) return doc;
    }
    return kNoDocument;  // cannot happen: the program keeps its documents
  }

  const Program& m_program;
  std::string m_out;
  bool m_ok = true;
};

// Reads what ByteWriter wrote. Any read past the end, or any index out of
// range, sets `failed`; the caller checks it once at the end (and reads
// of a failed reader return zeros, so no loop runs away on garbage).
class ByteReader {
public:
  ByteReader(std::string_view bytes, Program& program) : m_start(bytes.data()), m_rest(bytes), m_program(program) {}

  bool failed() const { return m_failed; }
  bool at_end() const { return m_rest.empty(); }
  bool check(bool ok) {
    if (!ok) m_failed = true;
    return ok;
  }

  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    if (m_failed || m_rest.size() < sizeof value) {
      m_failed = true;
      return value;
    }
    std::memcpy(&value, m_rest.data(), sizeof value);
    m_rest.remove_prefix(sizeof value);
    return value;
  }
  bool get_bool() {
    const auto byte = get<std::uint8_t>();
    check(byte <= 1);
    return byte == 1;
  }
  std::string_view get_bytes() {
    const auto size = get<std::uint64_t>();
    if (m_failed || size > m_rest.size()) {
      m_failed = true;
      return {};
    }
    const std::string_view bytes = m_rest.substr(0, size);
    m_rest.remove_prefix(size);
    return bytes;
  }
  std::string_view get_aligned_bytes() {
    const auto size = get<std::uint64_t>();
    const std::size_t padding = (8 - static_cast<std::size_t>(m_rest.data() - m_start) % 8) % 8;
    if (m_failed || padding > m_rest.size() || size > m_rest.size() - padding) {
      m_failed = true;
      return {};
    }
    for (std::size_t i = 0; i < padding; ++i) check(m_rest[i] == '\0');
    m_rest.remove_prefix(padding);
    const std::string_view bytes = m_rest.substr(0, size);
    m_rest.remove_prefix(size);
    return bytes;
  }
  // A count of items that each take at least `min_bytes`: larger than what
  // is left cannot be right, and must not reserve gigabytes.
  std::size_t get_count(std::size_t min_bytes) {
    const auto count = get<std::uint64_t>();
    if (m_failed || count > m_rest.size() / min_bytes) {
      m_failed = true;
      return 0;
    }
    return static_cast<std::size_t>(count);
  }
  json::Value get_value() {
    const auto doc = get<std::uint32_t>();
    const auto index = get<std::uint32_t>();
    if (m_failed || doc >= m_program.documents.size() || index >= m_program.documents[doc]->node_count()) {
      m_failed = true;
      return {};
    }
    return m_program.documents[doc]->value_at(index);
  }
  std::string_view get_view() {
    const auto doc = get<std::uint32_t>();
    if (doc == kKeywordName) {
      const auto keyword = get<std::uint32_t>();
      if (!check(keyword < kKeywordCount)) return {};
      return kKeywords[keyword];
    }
    if (doc == kNoDocument) {
      const std::string_view text = get_bytes();
      if (text.empty()) return {};
      return m_program.owned_text.emplace_back(text);
    }
    const auto offset = get<std::uint64_t>();
    const auto size = get<std::uint64_t>();
    if (m_failed || doc >= m_program.documents.size()) {
      m_failed = true;
      return {};
    }
    const std::string_view pool = m_program.documents[doc]->string_pool();
    if (offset > pool.size() || size > pool.size() - offset) {
      m_failed = true;
      return {};
    }
    return pool.substr(offset, size);
  }
  template <class T, class F>
  void get_list(std::vector<T>& items, std::size_t min_bytes, F&& each) {
    const std::size_t count = get_count(min_bytes);
    items.reserve(count);
    for (std::size_t i = 0; i < count && !m_failed; ++i) items.push_back(each());
  }

private:
  const char* m_start;
  std::string_view m_rest;
  Program& m_program;
  bool m_failed = false;
};

void put_view_list(ByteWriter& out, const std::vector<std::string_view>& views) {
  out.put_list(views, [&](std::string_view view) { out.put_view(view); });
}
std::vector<std::string_view> get_view_list(ByteReader& in) {
  std::vector<std::string_view> views;
  in.get_list(views, 4, [&] { return in.get_view(); });
  return views;
}

void put_id_list(ByteWriter& out, const std::vector<SchemaId>& ids) {
  out.put_list(ids, [&](SchemaId id) { out.put_id(id); });
}
std::vector<SchemaId> get_id_list(ByteReader& in) {
  std::vector<SchemaId> ids;
  in.get_list(ids, 4, [&] { return in.get<SchemaId>(); });
  return ids;
}

// The indices a decoded program holds point where they may: what makes it
// safe to run, whatever the bytes were.
bool indices_in_range(const Program& p) {
  const std::size_t schemas = p.schemas.size();
  const std::size_t keywords = p.pointers.size();
  auto schema = [&](SchemaId id) { return id < schemas; };
  auto schema_or_none = [&](SchemaId id) { return id == kNoSchema || id < schemas; };
  auto keyword = [&](std::uint32_t k) { return k < keywords; };

  if (!schema(p.root)) return false;
  for (const CompiledSchema& s : p.schemas) {
    if (s.first > s.last || s.last > p.code.size()) return false;
    if (s.resource != std::numeric_limits<std::uint32_t>::max() && s.resource >= p.resources.size()) return false;
  }
  for (const KeywordRef& ref : p.pointers.refs()) {
    if (ref.doc >= p.documents.size() || ref.doc >= p.pointers.prefixes().size() ||
        ref.node.document() != p.documents[ref.doc].get()) {
      return false;
    }
  }
  for (const Instruction& in : p.code) {
    if (!keyword(in.keyword)) return false;
    switch (in.op) {
      case Op::False:
      case Op::MinLength:
      case Op::MaxLength:
      case Op::MinItems:
      case Op::MaxItems:
      case Op::UniqueItems:
      case Op::MinProperties:
      case Op::MaxProperties:
        break;
      case Op::Type:
        if (in.a > kAllTypes) return false;
        break;
      case Op::Enum:
        if (in.a >= p.enums.size()) return false;
        break;
      case Op::Const:
        if (in.a >= p.values.size()) return false;
        break;
      case Op::MultipleOf:
        if (in.a >= p.divisors.size() || in.n >= p.bound_values.size()) return false;
        break;
      case Op::Minimum:
      case Op::Maximum:
      case Op::ExclusiveMinimum:
      case Op::ExclusiveMaximum:
        if (in.a >= p.bounds.size() || in.n >= p.bound_values.size()) return false;
        break;
      case Op::Pattern:
        if (in.a >= p.regexes.size()) return false;
        break;
      case Op::Format:
        if (in.a > static_cast<std::uint32_t>(Format::Uint)) return false;
        break;
      case Op::Items:
      case Op::PropertyNames:
      case Op::Not:
      case Op::Ref:
      case Op::UnevaluatedItems:
      case Op::UnevaluatedProperties:
        if (!schema(in.a)) return false;
        break;
      case Op::TupleItems:
        if (in.a >= p.tuples.size()) return false;
        break;
      case Op::Contains:
        if (in.a >= p.contains.size()) return false;
        break;
      case Op::Object:
        if (in.a >= p.objects.size()) return false;
        break;
      case Op::DependentRequired:
        if (in.a >= p.dependent_required.size()) return false;
        break;
      case Op::DependentSchemas:
        if (in.a >= p.dependent_schemas.size()) return false;
        break;
      case Op::IfThenElse:
        if (in.a >= p.conditions.size()) return false;
        break;
      case Op::AllOf:
      case Op::AnyOf:
      case Op::OneOf:
        if (in.a >= p.lists.size()) return false;
        break;
      case Op::DynamicRef:
        if (in.a >= p.dynamic_refs.size()) return false;
        break;
      default:
        return false;  // not an op this build knows
    }
  }
  for (const EnumTable& table : p.enums) {
    if (table.array.document() == nullptr) return false;
    if (table.all_strings && table.strings.size() != table.values.size()) return false;
  }
  for (const json::Value& value : p.values) {
    if (value.document() == nullptr) return false;
  }
  for (const json::Value& value : p.bound_values) {
    if (value.document() == nullptr || !value.is_number()) return false;
  }
  for (const ObjectTable& table : p.objects) {
    for (const PropertyEntry& entry : table.entries) {
      if (!schema_or_none(entry.schema) || entry.required_bit < -1 || entry.required_bit >= 64) return false;
    }
    for (const PatternEntry& entry : table.patterns) {
      if (entry.regex >= p.regexes.size() || !schema(entry.schema)) return false;
    }
    if (!schema_or_none(table.additional) || !keyword(table.additional_keyword) ||
        !keyword(table.required_keyword)) {
      return false;
    }
  }
  for (const TupleTable& table : p.tuples) {
    for (const SchemaId id : table.items) {
      if (!schema(id)) return false;
    }
    if (!schema_or_none(table.additional) || !keyword(table.additional_keyword)) return false;
  }
  for (const ContainsTable& table : p.contains) {
    if (!schema(table.schema) || !keyword(table.min_keyword) || !keyword(table.max_keyword)) return false;
  }
  for (const auto& entries : p.dependent_schemas) {
    for (const DependentSchemaEntry& entry : entries) {
      if (!schema(entry.schema)) return false;
    }
  }
  for (const ConditionTable& table : p.conditions) {
    if (!schema(table.if_schema) || !schema_or_none(table.then_schema) || !schema_or_none(table.else_schema)) {
      return false;
    }
  }
  for (const auto& list : p.lists) {
    for (const SchemaId id : list) {
      if (!schema(id)) return false;
    }
  }
  for (const DynamicRefTable& table : p.dynamic_refs) {
    if (!schema(table.static_target)) return false;
  }
  for (const Resource& resource : p.resources) {
    for (const auto& [name, id] : resource.dynamic_anchors) {
      if (!schema(id)) return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> encode_program(const Program& program) {
  if (program.documents.size() != 1 || program.read_other_documents) return std::nullopt;
  ByteWriter out(program);
  out.put<std::uint32_t>(kFormatVersion);

  out.put_list(program.documents, [&](const std::shared_ptr<const json::Document>& document) {
    out.put_aligned_bytes(document->tape_nodes());
    out.put_bytes(document->string_pool());
  });
  out.put_list(program.pointers.prefixes(), [&](const std::string& prefix) { out.put_bytes(prefix); });
  out.put_list(program.pointers.refs(), [&](const KeywordRef& ref) {
    out.put<std::uint32_t>(ref.doc);
    out.put_value(ref.node);
    out.put_view(ref.keyword);
  });
  out.put_list(program.schemas, [&](const CompiledSchema& schema) {
    out.put<std::uint32_t>(schema.first);
    out.put<std::uint32_t>(schema.last);
    out.put<std::uint32_t>(schema.resource);
    out.put_bool(schema.has_unevaluated);
  });
  out.put_list(program.code, [&](const Instruction& in) {
    out.put<std::uint8_t>(static_cast<std::uint8_t>(in.op));
    out.put<std::uint32_t>(in.a);
    out.put<std::uint64_t>(in.n);
    out.put<std::uint32_t>(in.keyword);
  });
  out.put_list(program.enums, [&](const EnumTable& table) {
    out.put_value(table.array);
    out.put_list(table.values, [&](json::Value value) { out.put_value(value); });
    put_view_list(out, table.strings);
    out.put_bool(table.all_strings);
  });
  out.put_list(program.values, [&](json::Value value) { out.put_value(value); });
  out.put_list(program.divisors, [&](const Divisor& divisor) {
    out.put<std::uint64_t>(divisor.mantissa);
    out.put<std::int32_t>(divisor.exponent);
    out.put<double>(divisor.value);
  });
  out.put_list(program.bounds, [&](const Bound& bound) {
    out.put<double>(bound.value);
    out.put<std::int64_t>(bound.integer);
    out.put_bool(bound.is_integer);
  });
  out.put_list(program.bound_values, [&](json::Value value) { out.put_value(value); });
  out.put_list(program.regexes, [&](const Regex& regex) { out.put_bytes(regex.source()); });
  out.put_list(program.objects, [&](const ObjectTable& table) {
    out.put_list(table.entries, [&](const PropertyEntry& entry) {
      out.put_view(entry.key);
      out.put_id(entry.schema);
      out.put<std::int32_t>(entry.required_bit);
    });
    out.put_list(table.patterns, [&](const PatternEntry& entry) {
      out.put<std::uint32_t>(entry.regex);
      out.put_id(entry.schema);
    });
    out.put_id(table.additional);
    out.put_bool(table.additional_false);
    out.put<std::uint32_t>(table.additional_keyword);
    out.put<std::uint32_t>(table.required_keyword);
    put_view_list(out, table.required);
    out.put<std::uint64_t>(table.required_mask);
    put_view_list(out, table.required_overflow);
    out.put_bool(table.applies_to_members);
  });
  out.put_list(program.tuples, [&](const TupleTable& table) {
    put_id_list(out, table.items);
    out.put_id(table.additional);
    out.put_bool(table.additional_false);
    out.put<std::uint32_t>(table.additional_keyword);
    out.put_bool(table.is_prefix_items);
  });
  out.put_list(program.contains, [&](const ContainsTable& table) {
    out.put_id(table.schema);
    out.put<std::uint64_t>(table.min);
    out.put<std::uint64_t>(table.max);
    out.put<std::uint32_t>(table.min_keyword);
    out.put<std::uint32_t>(table.max_keyword);
    out.put_bool(table.has_max);
  });
  out.put_list(program.dependent_required, [&](const std::vector<DependentRequiredEntry>& entries) {
    out.put_list(entries, [&](const DependentRequiredEntry& entry) {
      out.put_view(entry.property);
      put_view_list(out, entry.required);
    });
  });
  out.put_list(program.dependent_schemas, [&](const std::vector<DependentSchemaEntry>& entries) {
    out.put_list(entries, [&](const DependentSchemaEntry& entry) {
      out.put_view(entry.property);
      out.put_id(entry.schema);
    });
  });
  out.put_list(program.conditions, [&](const ConditionTable& table) {
    out.put_id(table.if_schema);
    out.put_id(table.then_schema);
    out.put_id(table.else_schema);
  });
  out.put_list(program.lists, [&](const std::vector<SchemaId>& list) { put_id_list(out, list); });
  out.put_list(program.dynamic_refs, [&](const DynamicRefTable& table) {
    out.put_id(table.static_target);
    out.put_bytes(table.anchor);
  });
  out.put_list(program.resources, [&](const Resource& resource) {
    out.put_list(resource.dynamic_anchors, [&](const std::pair<std::string, SchemaId>& anchor) {
      out.put_bytes(anchor.first);
      out.put_id(anchor.second);
    });
  });
  out.put_id(program.root);
  out.put_bool(program.uses_dynamic_scope);
  return out.take();
}

std::unique_ptr<Program> decode_program(std::string_view bytes, const ValidatorOptions& options,
                                        std::shared_ptr<const void> keep_alive) {
  auto program = std::make_unique<Program>();
  Program& p = *program;
  ByteReader in(bytes, p);
  if (in.get<std::uint32_t>() != kFormatVersion) return nullptr;

  const std::size_t documents = in.get_count(16);
  for (std::size_t i = 0; i < documents && !in.failed(); ++i) {
    const std::string_view nodes = in.get_aligned_bytes();
    const std::string_view strings = in.get_bytes();
    if (in.failed()) break;
    // In place when the bytes outlive the program and sit where a tape can
    // be read (a cache entry read into memory), else copied.
    std::optional<json::Document> document =
        keep_alive ? json::Document::view_tape(nodes, strings, keep_alive) : std::nullopt;
    if (!document) document = json::Document::from_tape(nodes, strings);
    if (!in.check(document.has_value())) break;
    p.documents.push_back(std::make_shared<const json::Document>(std::move(*document)));
  }
  const std::size_t prefixes = in.get_count(8);
  for (std::size_t i = 0; i < prefixes && !in.failed(); ++i) p.pointers.add_document(std::string(in.get_bytes()));
  const std::size_t refs = in.get_count(16);
  p.pointers.reserve(refs);
  for (std::size_t i = 0; i < refs && !in.failed(); ++i) {
    KeywordRef ref;
    ref.doc = in.get<std::uint32_t>();
    ref.node = in.get_value();
    ref.keyword = in.get_view();
    p.pointers.add(ref);
  }
  in.get_list(p.schemas, 13, [&] {
    CompiledSchema schema;
    schema.first = in.get<std::uint32_t>();
    schema.last = in.get<std::uint32_t>();
    schema.resource = in.get<std::uint32_t>();
    schema.has_unevaluated = in.get_bool();
    return schema;
  });
  in.get_list(p.code, 17, [&] {
    Instruction instruction{};
    instruction.op = static_cast<Op>(in.get<std::uint8_t>());
    instruction.a = in.get<std::uint32_t>();
    instruction.n = in.get<std::uint64_t>();
    instruction.keyword = in.get<std::uint32_t>();
    return instruction;
  });
  in.get_list(p.enums, 8, [&] {
    EnumTable table;
    table.array = in.get_value();
    in.get_list(table.values, 8, [&] { return in.get_value(); });
    table.strings = get_view_list(in);
    table.all_strings = in.get_bool();
    return table;
  });
  in.get_list(p.values, 8, [&] { return in.get_value(); });
  in.get_list(p.divisors, 20, [&] {
    Divisor divisor;
    divisor.mantissa = in.get<std::uint64_t>();
    divisor.exponent = in.get<std::int32_t>();
    divisor.value = in.get<double>();
    return divisor;
  });
  in.get_list(p.bounds, 17, [&] {
    Bound bound;
    bound.value = in.get<double>();
    bound.integer = in.get<std::int64_t>();
    bound.is_integer = in.get_bool();
    return bound;
  });
  in.get_list(p.bound_values, 8, [&] { return in.get_value(); });
  const std::size_t regexes = in.get_count(8);
  for (std::size_t i = 0; i < regexes && !in.failed(); ++i) {
    RegexOptions regex_options;
    regex_options.match_limit = options.pattern_match_limit;
    Expected<Regex> regex = compile_ecma_regex(in.get_bytes(), regex_options);
    if (!in.check(regex.has_value())) break;
    p.regexes.push_back(std::move(*regex));
  }
  in.get_list(p.objects, 8, [&] {
    ObjectTable table;
    in.get_list(table.entries, 8, [&] {
      PropertyEntry entry;
      entry.key = in.get_view();
      entry.schema = in.get<SchemaId>();
      entry.required_bit = in.get<std::int32_t>();
      return entry;
    });
    in.get_list(table.patterns, 8, [&] {
      PatternEntry entry{};
      entry.regex = in.get<std::uint32_t>();
      entry.schema = in.get<SchemaId>();
      return entry;
    });
    table.additional = in.get<SchemaId>();
    table.additional_false = in.get_bool();
    table.additional_keyword = in.get<std::uint32_t>();
    table.required_keyword = in.get<std::uint32_t>();
    table.required = get_view_list(in);
    table.required_mask = in.get<std::uint64_t>();
    table.required_overflow = get_view_list(in);
    table.applies_to_members = in.get_bool();
    return table;
  });
  in.get_list(p.tuples, 8, [&] {
    TupleTable table;
    table.items = get_id_list(in);
    table.additional = in.get<SchemaId>();
    table.additional_false = in.get_bool();
    table.additional_keyword = in.get<std::uint32_t>();
    table.is_prefix_items = in.get_bool();
    return table;
  });
  in.get_list(p.contains, 29, [&] {
    ContainsTable table{};
    table.schema = in.get<SchemaId>();
    table.min = in.get<std::uint64_t>();
    table.max = in.get<std::uint64_t>();
    table.min_keyword = in.get<std::uint32_t>();
    table.max_keyword = in.get<std::uint32_t>();
    table.has_max = in.get_bool();
    return table;
  });
  in.get_list(p.dependent_required, 8, [&] {
    std::vector<DependentRequiredEntry> entries;
    in.get_list(entries, 8, [&] {
      DependentRequiredEntry entry;
      entry.property = in.get_view();
      entry.required = get_view_list(in);
      return entry;
    });
    return entries;
  });
  in.get_list(p.dependent_schemas, 8, [&] {
    std::vector<DependentSchemaEntry> entries;
    in.get_list(entries, 8, [&] {
      DependentSchemaEntry entry{};
      entry.property = in.get_view();
      entry.schema = in.get<SchemaId>();
      return entry;
    });
    return entries;
  });
  in.get_list(p.conditions, 12, [&] {
    ConditionTable table{};
    table.if_schema = in.get<SchemaId>();
    table.then_schema = in.get<SchemaId>();
    table.else_schema = in.get<SchemaId>();
    return table;
  });
  in.get_list(p.lists, 8, [&] { return get_id_list(in); });
  in.get_list(p.dynamic_refs, 12, [&] {
    DynamicRefTable table;
    table.static_target = in.get<SchemaId>();
    table.anchor = std::string(in.get_bytes());
    return table;
  });
  in.get_list(p.resources, 8, [&] {
    Resource resource;
    in.get_list(resource.dynamic_anchors, 12, [&] {
      std::string name(in.get_bytes());
      return std::pair<std::string, SchemaId>(std::move(name), in.get<SchemaId>());
    });
    return resource;
  });
  p.root = in.get<SchemaId>();
  p.uses_dynamic_scope = in.get_bool();
  if (in.failed() || !in.at_end() || p.documents.size() != 1 || !indices_in_range(p)) return nullptr;
  return program;
}

}  // namespace fixturegen::schema
