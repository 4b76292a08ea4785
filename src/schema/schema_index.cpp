#include <fixturegen/schema/schema_index.hpp>

#include "describe.hpp"
#include "keywords.hpp"
#include "metaschemas.hpp"
#include "uri.hpp"

#include <fixturegen/json/pointer.hpp>

#include <charconv>
#include <system_error>
#include <utility>

namespace fixturegen::schema {

namespace {

std::uint64_t node_key(std::uint32_t doc, json::Value node) { return (std::uint64_t{doc} << 32) | node.index(); }

std::uint32_t node_count(json::Value root) {
  if (root.is_object()) return root.members().last;
  if (root.is_array()) return root.elements().last;
  return 1;
}

// Calls `visit` on each subschema `node` holds, per the draft's table.
template <class F>
void for_each_subschema(json::Value node, bool draft7, F&& visit) {
  const auto& holds = draft7 ? kHolds7 : kHolds2020;
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

// The element `token` names in `array`: RFC 6901 "0" or digits without a
// leading zero. from_chars refuses what does not fit (a hand-rolled loop
// wrapped around: .../18446744073709551616 was element 0).
std::optional<json::Value> array_element(json::Value array, const std::string& token) {
  std::size_t index = 0;
  const char* end = token.data() + token.size();
  const auto [stop, ec] = std::from_chars(token.data(), end, index);
  const bool numeric = !token.empty() && (token == "0" || token.front() != '0') && ec == std::errc() && stop == end;
  if (!numeric || index >= array.size()) return std::nullopt;
  std::size_t i = 0;
  for (const json::Value element : array.elements()) {
    if (i++ == index) return element;
  }
  return std::nullopt;
}

}  // namespace

SchemaIndex::SchemaIndex(const SchemaStore& store, Draft draft)
    : m_store(store), m_draft7(draft == Draft::Draft7) {}

Expected<std::uint32_t> SchemaIndex::add_document(std::shared_ptr<const json::Document> document,
                                                   std::string_view uri_text, bool main) {
  const std::string uri(strip_fragment(uri_text));
  const auto doc = static_cast<std::uint32_t>(m_docs.size());
  const json::Value root = document->root();
  const BaseId base = intern(uri);
  m_docs.push_back({std::move(document), main ? std::string() : uri + "#", base, {}});
  m_docs[doc].bases.assign(node_count(root), kNoBase);
  m_resources.emplace(uri, SchemaLocation{doc, root, base});
  m_resource_roots.insert(node_key(doc, root));
  if (std::optional<Error> error = index_node(doc, root, base, 0)) return std::move(*error);
  return doc;
}

SchemaLocation SchemaIndex::root(std::uint32_t doc) const {
  const json::Value node = m_docs[doc].document->root();
  return SchemaLocation{doc, node, recorded_base(doc, node, m_docs[doc].base)};
}

SchemaLocation SchemaIndex::child(const SchemaLocation& parent, json::Value node) const {
  return SchemaLocation{parent.doc, node, recorded_base(parent.doc, node, parent.base)};
}

BaseId SchemaIndex::intern(std::string_view uri) {
  // Few distinct bases (one per document or $id): a linear scan beats a map.
  for (BaseId i = 0; i < m_bases.size(); ++i) {
    if (m_bases[i] == uri) return i;
  }
  m_bases.emplace_back(uri);
  return static_cast<BaseId>(m_bases.size() - 1);
}

BaseId SchemaIndex::recorded_base(std::uint32_t doc, json::Value node, BaseId fallback) const {
  const BaseId found = m_docs[doc].bases[node.index()];
  return found == kNoBase ? fallback : found;
}

// Records the base URI of every schema node and the URIs/anchors it declares.
std::optional<Error> SchemaIndex::index_node(std::uint32_t doc, json::Value node, BaseId base, int depth) {
  if (depth > kMaxDepth) {
    return Error::config("schema nests deeper than " + std::to_string(kMaxDepth) + " levels at " + display(doc, node));
  }
  if (!node.is_object()) {
    BaseId& slot = m_docs[doc].bases[node.index()];
    if (node.is_bool() && slot == kNoBase) slot = base;
    return std::nullopt;
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
      m_anchors.emplace(std::string(strip_fragment(m_bases[base])) + std::string(text), SchemaLocation{doc, node, base});
    } else {
      const std::string resolved = resolve_uri(m_bases[base], text);
      const SplitUri split = split_fragment(resolved);
      here = intern(split.base);
      resource_root = true;
      m_resources.emplace(std::string(split.base), SchemaLocation{doc, node, here});
      if (split.has_fragment && !split.fragment.empty() && split.fragment.front() != '/') {
        m_anchors.emplace(resolved, SchemaLocation{doc, node, here});
      }
    }
  }
  if (!m_draft7) {
    if (anchor && anchor->is_string()) {
      m_anchors.emplace(m_bases[here] + "#" + std::string(anchor->as_string()), SchemaLocation{doc, node, here});
    }
    if (dynamic_anchor && dynamic_anchor->is_string()) {
      const std::string name(dynamic_anchor->as_string());
      m_anchors.emplace(m_bases[here] + "#" + name, SchemaLocation{doc, node, here});
      m_dynamic_anchors[m_bases[here]].emplace_back(name, SchemaLocation{doc, node, here});
    }
  }
  if (resource_root) m_resource_roots.insert(node_key(doc, node));
  BaseId& slot = m_docs[doc].bases[node.index()];
  if (slot == kNoBase) slot = here;
  std::optional<Error> error;
  for_each_subschema(node, m_draft7, [&](json::Value child) {
    if (!error) error = index_node(doc, child, here, depth + 1);
  });
  return error;
}

std::string SchemaIndex::display(std::uint32_t doc, json::Value node, std::string_view keyword,
                                 std::string_view key) const {
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

// The resource (document or $id'd subschema) named by `uri`, loading the
// document from the store, or the embedded metaschemas, when unknown.
const SchemaLocation* SchemaIndex::find_resource(const std::string& uri) {
  if (const auto found = m_resources.find(uri); found != m_resources.end()) return &found->second;
  std::shared_ptr<const json::Document> document = m_store.find(uri);
  if (!document) document = embedded_metaschema(uri);
  if (!document || document->empty()) return nullptr;
  Expected<std::uint32_t> added = add_document(std::move(document), uri, false);
  if (!added) {
    m_load_error = std::move(added).error();
    return nullptr;
  }
  const auto found = m_resources.find(uri);
  return found == m_resources.end() ? nullptr : &found->second;
}

Expected<SchemaLocation> SchemaIndex::resolve(const SchemaLocation& from, std::string_view keyword,
                                              std::string_view reference) {
  const std::string absolute = resolve_uri(m_bases[from.base], reference);
  const SplitUri split = split_fragment(absolute);
  const std::string base(split.base);
  const auto failure = [&](const std::string& why) {
    return Error::config("cannot resolve " + std::string(keyword) + " \"" + std::string(reference) + "\" at " +
                         display(from.doc, from.node, keyword) + ": " + why);
  };
  std::string fragment;
  if (!percent_decode(split.fragment, fragment)) return failure("bad %-escape in the fragment");
  if (fragment.empty() || fragment.front() == '/') {
    const SchemaLocation* resource = find_resource(base);
    if (resource == nullptr && m_load_error) return *std::exchange(m_load_error, std::nullopt);
    if (resource == nullptr) return failure("no schema is known as \"" + base + "\"");
    std::vector<std::string> tokens;
    if (!json::split_pointer(fragment, tokens)) return failure("\"" + fragment + "\" is not a JSON pointer");
    json::Value node = resource->node;
    for (const std::string& token : tokens) {
      std::optional<json::Value> next;
      if (node.is_object()) next = node.find(token);
      else if (node.is_array()) next = array_element(node, token);
      if (!next) return failure("\"" + absolute + "\" points at nothing");
      node = *next;
    }
    return SchemaLocation{resource->doc, node, recorded_base(resource->doc, node, resource->base)};
  }
  const std::string anchor_key = base + "#" + fragment;
  auto found = m_anchors.find(anchor_key);
  if (found == m_anchors.end()) {
    find_resource(base);  // loads the document that may declare it
    if (m_load_error) return *std::exchange(m_load_error, std::nullopt);
    found = m_anchors.find(anchor_key);
  }
  if (found == m_anchors.end()) return failure("no anchor \"" + fragment + "\" in \"" + base + "\"");
  return found->second;
}

const std::vector<std::pair<std::string, SchemaLocation>>& SchemaIndex::dynamic_anchors(std::string_view base) const {
  static const std::vector<std::pair<std::string, SchemaLocation>> none;
  const auto found = m_dynamic_anchors.find(base);
  return found == m_dynamic_anchors.end() ? none : found->second;
}

}  // namespace fixturegen::schema
