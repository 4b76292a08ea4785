#pragma once

// --shard I/N: a deterministic share of the POCs, so N CI jobs each capture
// about 1/N of the work and together capture everything exactly once.

#include <fixturegen/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::regen {

struct ShardSpec {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
};

// "2/4" -> {2, 4}; a usage error for anything else (0, I > N, not numbers).
Expected<ShardSpec> parse_shard(std::string_view text);

// Which POCs (indices into `names`) shard `spec` runs, in plan order.
// Longest first onto the least loaded shard (ties: the lower shard), with
// ties in weight broken by name: every job computes the same split.
// `weights` are expected durations (the lock file's), any positive unit.
std::vector<std::size_t> shard_pocs(const std::vector<std::string>& names, const std::vector<std::int64_t>& weights,
                                    ShardSpec spec);

}  // namespace fixturegen::regen
