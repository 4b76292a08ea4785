#include <fixturegen/regen/shard.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>

namespace fixturegen::regen {

Expected<ShardSpec> parse_shard(std::string_view text) {
  const auto bad = [&] {
    return Error::usage(fmt::format("--shard \"{}\" is not I/N with 1 <= I <= N", text),
                        "e.g. --shard 1/4 ... --shard 4/4 in four CI jobs");
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  ShardSpec spec;
  const auto parse = [](std::string_view part, std::size_t& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  if (!parse(text.substr(0, slash), spec.index) || !parse(text.substr(slash + 1), spec.count)) return bad();
  if (spec.count == 0 || spec.index == 0 || spec.index > spec.count || spec.count > 10'000) return bad();
  return spec;
}

std::vector<std::size_t> shard_pocs(const std::vector<std::string>& names, const std::vector<std::int64_t>& weights,
                                    ShardSpec spec) {
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return weights[a] != weights[b] ? weights[a] > weights[b] : names[a] < names[b];
  });
  std::vector<std::int64_t> load(spec.count, 0);
  std::vector<std::size_t> mine;
  for (const std::size_t poc : order) {
    const auto lightest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += std::max<std::int64_t>(weights[poc], 1);
    if (lightest + 1 == spec.index) mine.push_back(poc);
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

}  // namespace fixturegen::regen
