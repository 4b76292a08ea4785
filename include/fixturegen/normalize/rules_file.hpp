#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <filesystem>
#include <string_view>

namespace fixturegen::normalize {

// Parses a rules file (TOML; format in docs/normalize-rules.md). Unknown keys,
// wrong types and bad selectors or patterns are refused with the file name,
// the line and what to write instead. `source_name` names the text in errors.
Expected<NormalizeRules> parse_rules_toml(std::string_view text, std::string_view source_name);

// Reads and parses a rules file.
Expected<NormalizeRules> load_rules_file(const std::filesystem::path& path);

// --profile NAME or --rules FILE, as the commands take them: exactly one
// (neither means the default profile).
Expected<NormalizeRules> resolve_rules(std::string_view profile, const std::filesystem::path& rules_file);

}  // namespace fixturegen::normalize
