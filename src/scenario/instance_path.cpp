#include <fixturegen/scenario/instance_path.hpp>

#include <fixturegen/json/pointer.hpp>

#include <utility>
#include <vector>

namespace fixturegen::scenario {

void collect_instance_paths(json::Value value, const PathSet& map_paths, PathSet& paths,
                            std::map<std::string, KindMask, std::less<>>* kinds) {
  // An explicit stack: captures come from outside and may nest deeply.
  std::vector<std::pair<json::Value, std::string>> stack;
  stack.emplace_back(value, std::string());
  while (!stack.empty()) {
    auto [node, path] = std::move(stack.back());
    stack.pop_back();
    if (kinds) (*kinds)[path] |= kind_bit(node.kind());
    if (node.is_array()) {
      if (node.size() > 0) {
        std::string child = path + "/*";
        for (json::Value element : node.elements()) stack.emplace_back(element, child);
      }
    } else if (node.is_object()) {
      const bool is_map = map_paths.count(path) > 0;
      for (json::Value::Member member : node.members()) {
        stack.emplace_back(member.value,
                           is_map ? path + "/*" : path + "/" + json::escape_pointer_token(member.key));
      }
    }
    paths.insert(std::move(path));
  }
}

std::string_view parent_path(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

}  // namespace fixturegen::scenario
