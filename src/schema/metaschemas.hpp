#pragma once

#include <fixturegen/json/document.hpp>

#include <memory>
#include <string_view>

namespace fixturegen::schema {

// The metaschemas the validator ships so that `$ref`s to them resolve
// without network access: draft-07 as published, and a single-document
// rendition of the 2020-12 vocabularies. `uri` is compared without fragment.
// Returns nullptr for any other URI.
std::shared_ptr<const json::Document> embedded_metaschema(std::string_view uri);

}  // namespace fixturegen::schema
