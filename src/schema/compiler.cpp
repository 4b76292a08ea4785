// Turns schema documents into a Program (code generation): the SchemaIndex
// knows which URIs and anchors name which nodes and what base URI is in
// effect where; schemas are compiled on demand from a work list, so that a
// `$ref` only needs the index and cycles cost nothing. The keyword table is
// keywords.hpp.

#include "describe.hpp"
#include "keywords.hpp"
#include "program.hpp"
#include "uri.hpp"

#include <fixturegen/json/pointer.hpp>
#include <fixturegen/schema/schema_index.hpp>

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

using Location = SchemaLocation;

std::uint64_t node_key(std::uint32_t doc, json::Value node) {
  return (std::uint64_t{doc} << 32) | node.index();
}

class Compiler {
public:
  Compiler(const SchemaStore& store, const ValidatorOptions& options, Program& program)
      : m_index(store, options.draft), m_options(options), m_program(program),
        m_draft7(options.draft == Draft::Draft7) {}

  Expected<void> compile(std::shared_ptr<const json::Document> document, const std::string& uri) {
    Expected<std::uint32_t> doc = m_index.add_document(std::move(document), uri, /*main=*/true);
    if (!doc) return std::move(doc).error();
    sync_documents();
    m_program.root = schema_id(m_index.root(*doc));
    for (std::size_t i = 0; i < m_work.size() && !m_error; ++i) {
      // Copy: compiling may grow m_work.
      const auto [id, location] = m_work[i];
      compile_body(id, location);
    }
    if (m_error) return std::move(*m_error);
    return {};
  }

private:
  void fail(std::string message) {
    if (!m_error) m_error = Error::config(std::move(message));
  }

  // The program keeps every document the index has loaded alive, and the
  // compiler a schema id slot per tape node of each.
  void sync_documents() {
    for (auto doc = static_cast<std::uint32_t>(m_ids.size()); doc < m_index.document_count(); ++doc) {
      const std::shared_ptr<const json::Document>& document = m_index.document(doc);
      m_program.documents.push_back(document);
      m_program.pointers.add_document(m_index.pointer_prefix(doc));
      const json::Value root = document->root();
      const std::uint32_t nodes = root.is_object()  ? root.members().last
                                  : root.is_array() ? root.elements().last
                                                    : 1;
      m_ids.emplace_back(nodes, kNoSchema);
    }
  }

  std::string display(std::uint32_t doc, json::Value node, std::string_view keyword = {},
                      std::string_view key = {}) const {
    return m_index.display(doc, node, keyword, key);
  }

  std::optional<Location> resolve_ref(const Location& from, std::string_view keyword,
                                      std::string_view reference) {
    Expected<Location> target = m_index.resolve(from, keyword, reference);
    sync_documents();
    if (!target) {
      if (!m_error) m_error = std::move(target).error();
      return std::nullopt;
    }
    return *target;
  }

  // ---- schema ids ---------------------------------------------------------

  SchemaId schema_id(const Location& location) {
    const std::uint64_t key = node_key(location.doc, location.node);
    if (const SchemaId known = m_ids[location.doc][location.node.index()]; known != kNoSchema) {
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
    SchemaId& slot = m_ids[location.doc][location.node.index()];
    if (slot == kNoSchema) slot = id;  // the first one wins, as a map's emplace
  }

  Location child(const Location& parent, json::Value node) const { return m_index.child(parent, node); }

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
    if (!m_draft7) m_program.schemas[id].resource = resource_index(m_index.base_uri(location.base));
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
    // Copy: schema_id() may add documents and so anchors.
    const auto list = m_index.dynamic_anchors(base);
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
    const std::string resolved = resolve_uri(m_index.base_uri(location.base), reference);
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

  SchemaIndex m_index;
  const ValidatorOptions& m_options;
  Program& m_program;
  bool m_draft7;
  std::optional<Error> m_error;
  std::vector<std::vector<SchemaId>> m_ids;  // per document, per tape node: its compiled schema
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
  if (!document || document->empty()) return Error::config("cannot compile an empty schema document");
  auto program = std::make_unique<Program>();
  Compiler compiler(store, options, *program);
  if (auto result = compiler.compile(std::move(document), uri); !result) {
    return std::move(result).error();
  }
  return program;
}

}  // namespace fixturegen::schema
