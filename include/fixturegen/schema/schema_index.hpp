#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/validator.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fixturegen::schema {

using BaseId = std::uint32_t;  // an interned base URI (SchemaIndex::base_uri)
inline constexpr BaseId kNoBase = std::numeric_limits<BaseId>::max();

// A schema node and the base URI in effect there (after its own `$id`). No
// pointer text and no URI string: a location is copied for every
// subschema, and its JSON pointer is only needed for a report, when it is
// derived from the node.
struct SchemaLocation {
  std::uint32_t doc = 0;  // SchemaIndex's document number
  json::Value node;
  BaseId base = kNoBase;
};

// Which URIs and anchors name which schema nodes, across every document a
// schema reaches, and what base URI is in effect where: `$id` (draft-07's
// "#name" ids too), `$anchor` and `$dynamicAnchor` (2020-12). Resolves
// `$ref`s against that, loading referenced documents from the SchemaStore
// (or the embedded metaschemas) on first use. Only keywords that hold
// schemas are entered: an "$id" inside an `enum` value or a property named
// "$id" declares nothing.
class SchemaIndex {
public:
  SchemaIndex(const SchemaStore& store, Draft draft);

  // Indexes a document under `uri` (its fragment ignored) and returns its
  // number. `main`: the schema being compiled, whose pointers in reports
  // carry no URI prefix. An Error when it nests too deeply.
  Expected<std::uint32_t> add_document(std::shared_ptr<const json::Document> document, std::string_view uri,
                                       bool main);

  // The root of document `doc`, with the base its own `$id` sets.
  SchemaLocation root(std::uint32_t doc) const;
  // A subschema `node` under `parent` (same document), with its base.
  SchemaLocation child(const SchemaLocation& parent, json::Value node) const;

  // Resolves `reference` (a `$ref` or `$dynamicRef` value written under
  // `keyword` at `from`): a JSON pointer fragment, an anchor or a resource
  // URI. An Error (Config) naming the reference and where it is written
  // when nothing is found.
  Expected<SchemaLocation> resolve(const SchemaLocation& from, std::string_view keyword,
                                   std::string_view reference);

  // The `$dynamicAnchor`s declared in the resource named `base` (2020-12).
  const std::vector<std::pair<std::string, SchemaLocation>>& dynamic_anchors(std::string_view base) const;

  std::size_t document_count() const { return m_docs.size(); }
  const std::shared_ptr<const json::Document>& document(std::uint32_t doc) const { return m_docs[doc].document; }
  // "" for the main document, "URI#" for others: what prefixes its pointers.
  const std::string& pointer_prefix(std::uint32_t doc) const { return m_docs[doc].prefix; }
  const std::string& base_uri(BaseId base) const { return m_bases[base]; }

  // Where `node` (then `keyword`, then `key` inside it) is, for messages:
  // "/properties/a/$ref", "URI#/definitions/x", or "the schema root".
  std::string display(std::uint32_t doc, json::Value node, std::string_view keyword = {},
                      std::string_view key = {}) const;

  // Deeper schemas than this are refused rather than risking the stack.
  static constexpr int kMaxDepth = 512;

private:
  struct DocInfo {
    std::shared_ptr<const json::Document> document;
    std::string prefix;
    BaseId base = kNoBase;      // the URI it was added under
    std::vector<BaseId> bases;  // per tape node: the base the index recorded, or kNoBase
  };

  BaseId intern(std::string_view uri);
  std::optional<Error> index_node(std::uint32_t doc, json::Value node, BaseId base, int depth);
  BaseId recorded_base(std::uint32_t doc, json::Value node, BaseId fallback) const;
  const SchemaLocation* find_resource(const std::string& uri);

  const SchemaStore& m_store;
  bool m_draft7;
  std::vector<DocInfo> m_docs;
  std::map<std::string, SchemaLocation, std::less<>> m_resources;
  std::map<std::string, SchemaLocation, std::less<>> m_anchors;
  std::map<std::string, std::vector<std::pair<std::string, SchemaLocation>>, std::less<>> m_dynamic_anchors;
  std::vector<std::string> m_bases;  // interned base URIs, named by BaseId
  std::set<std::uint64_t> m_resource_roots;
  std::optional<Error> m_load_error;  // from indexing a document find_resource loaded
};

}  // namespace fixturegen::schema
