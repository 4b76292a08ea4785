// fixture_shape_compare: how much of the real engine's output shape a corpus
// carries. For every capture under REFERENCE (the real engine's, e.g.
// $FIXTUREGEN_ROCKY_REFERENCE/fixtures_generated), the capture of the same
// relative path under CORPUS is read, and both are reduced to their sets of
// JSON Pointers with array indices folded to `*` (/materializations/*/metadata).
// Prints per capture what is missing or extra, then
//   shape: P/R real pointers present, E extra, C/N captures complete
// Exit 0 when every real pointer is present in every capture, 1 otherwise,
// 2 on a usage or read error. Reusable for any corpus: the double's
// (stop-gap, tests/e2e/double_pocs.sh) or regen's fixtures_generated/.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string escape_token(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

void collect(const json& node, const std::string& pointer, std::set<std::string>& out) {
  out.insert(pointer);
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) collect(value, pointer + "/" + escape_token(key), out);
  } else if (node.is_array()) {
    for (const auto& value : node) collect(value, pointer + "/*", out);
  }
}

bool read_json(const fs::path& file, json& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = json::parse(text.str(), nullptr, false);
  return !out.is_discarded();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fixture_shape_compare CORPUS_DIR REFERENCE_DIR\n";
    return 2;
  }
  const fs::path corpus = argv[1], reference = argv[2];
  if (!fs::is_directory(corpus) || !fs::is_directory(reference)) {
    std::cerr << "fixture_shape_compare: " << (fs::is_directory(corpus) ? reference : corpus)
              << " is not a directory\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(reference))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(fs::relative(entry.path(), reference));
  std::sort(files.begin(), files.end());
  size_t present = 0, total = 0, extra = 0, complete = 0;
  for (const fs::path& rel : files) {
    json real, ours;
    if (!read_json(reference / rel, real)) {
      std::cerr << "fixture_shape_compare: cannot read " << (reference / rel) << " as JSON\n";
      return 2;
    }
    std::set<std::string> real_pointers, our_pointers;
    collect(real, "", real_pointers);
    total += real_pointers.size();
    if (!read_json(corpus / rel, ours)) {
      std::cout << "MISSING " << rel.string() << ": no readable capture in the corpus (" << real_pointers.size()
                << " real pointers)\n";
      continue;
    }
    collect(ours, "", our_pointers);
    std::vector<std::string> missing, added;
    std::set_difference(real_pointers.begin(), real_pointers.end(), our_pointers.begin(), our_pointers.end(),
                        std::back_inserter(missing));
    std::set_difference(our_pointers.begin(), our_pointers.end(), real_pointers.begin(), real_pointers.end(),
                        std::back_inserter(added));
    present += real_pointers.size() - missing.size();
    extra += added.size();
    if (missing.empty()) ++complete;
    std::cout << (missing.empty() ? "ok      " : "PARTIAL ") << rel.string() << ": "
              << real_pointers.size() - missing.size() << "/" << real_pointers.size() << " real pointers";
    if (!added.empty()) std::cout << ", " << added.size() << " extra";
    std::cout << '\n';
    for (const std::string& p : missing) std::cout << "    missing " << (p.empty() ? "(root)" : p) << '\n';
    for (const std::string& p : added) std::cout << "    extra   " << p << '\n';
  }
  std::cout << "shape: " << present << "/" << total << " real pointers present, " << extra << " extra, " << complete
            << "/" << files.size() << " captures complete\n";
  return present == total && complete == files.size() ? 0 : 1;
}
