// Writes a large, live-like `rocky run` capture for the normalize benchmark:
// many materializations, each with durations, wall-clock times, ids, floats
// of every magnitude, integers beyond 64 bits, raw UTF-8 (accents, CJK,
// emoji), escapes (quotes, control characters, a lone surrogate), nested
// objects and empty containers, laid out 2-space pretty as serde_json
// prints. Deterministic for a given seed.
//
//   make_big_capture OUT.json [MEGABYTES=100] [SEED=1]

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

class Writer {
public:
  explicit Writer(std::string& out) : m_out(out) {}

  void open(char bracket) {
    value_prefix();
    m_out += bracket;
    m_first.push_back(true);
  }
  void close(char bracket) {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_out += bracket;
  }
  void key(std::string_view name) {
    item_prefix();
    raw_string(name);
    m_out += ": ";
    m_after_key = true;
  }
  void string(std::string_view text) {
    value_prefix();
    raw_string(text);
  }
  // Already-escaped JSON string contents, written between quotes as is.
  void escaped(std::string_view json_text) {
    value_prefix();
    m_out += '"';
    m_out += json_text;
    m_out += '"';
  }
  void literal(std::string_view text) {
    value_prefix();
    m_out += text;
  }
  void number(std::int64_t value) { literal(fmt::format("{}", value)); }
  void number(double value, bool long_form) {
    // Engines print floats in more than one spelling; both parse the same.
    std::string text = long_form ? fmt::format("{:.17g}", value) : fmt::format("{}", value);
    if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
    literal(text);
  }

private:
  void newline() {
    m_out += '\n';
    m_out.append(2 * m_first.size(), ' ');
  }
  void item_prefix() {
    if (!m_first.back()) m_out += ',';
    m_first.back() = false;
    newline();
  }
  void value_prefix() {
    if (m_after_key) {
      m_after_key = false;
    } else if (!m_first.empty()) {
      item_prefix();
    }
  }
  void raw_string(std::string_view text) {
    m_out += '"';
    for (const char c : text) {
      if (c == '"' || c == '\\') {
        m_out += '\\';
        m_out += c;
      } else if (c == '\n') {
        m_out += "\\n";
      } else if (c == '\t') {
        m_out += "\\t";
      } else {
        m_out += c;  // UTF-8 stays raw, as the engine prints it
      }
    }
    m_out += '"';
  }

  std::string& m_out;
  std::vector<bool> m_first;
  bool m_after_key = false;
};

class Generator {
public:
  Generator(std::string& out, std::uint64_t seed) : m_out(out), m_w(out), m_random(seed) {}

  void document(std::size_t target_bytes) {
    m_w.open('{');
    m_w.key("version");
    m_w.string("1.14.2");
    m_w.key("command");
    m_w.string("run");
    m_w.key("run_id");
    m_w.string(fmt::format("run-{:016x}", m_random()));
    m_w.key("started_at");
    m_w.string(timestamp());
    m_w.key("finished_at");
    m_w.string(timestamp());
    m_w.key("duration_ms");
    m_w.number(static_cast<std::int64_t>(pick(1, 10'000'000)));
    m_w.key("hostname");
    m_w.string("ci-runner-17.internal");
    m_w.key("git_commit");
    m_w.string(fmt::format("{:016x}{:016x}", m_random(), m_random()));
    m_w.key("git_branch");
    m_w.string("feature/naïve-ünïcode-🚀");
    m_w.key("materializations");
    m_w.open('[');
    std::size_t index = 0;
    // Leave room for the tail.
    while (m_out.size() + 4096 < target_bytes) materialization(index++);
    m_w.close(']');
    m_w.key("check_results");
    m_w.open('[');
    for (int i = 0; i < 50; ++i) check(i);
    m_w.close(']');
    m_w.key("errors");
    m_w.open('[');
    m_w.close(']');
    m_w.key("cost_summary");
    m_w.open('{');
    m_w.key("compute_cost_per_run");
    m_w.number(static_cast<double>(pick(1, 100000)) / 128.0, false);
    m_w.key("estimated_monthly_savings");
    m_w.number(static_cast<std::int64_t>(pick(1, 99999)));
    m_w.key("materializations");
    m_w.number(static_cast<std::int64_t>(index));
    m_w.close('}');
    m_w.close('}');
    m_out += '\n';
  }

private:
  std::uint64_t pick(std::uint64_t low, std::uint64_t high) { return low + m_random() % (high - low + 1); }
  double unit() { return static_cast<double>(m_random() >> 11) / 9007199254740992.0; }

  std::string timestamp() {
    return fmt::format("2026-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", pick(1, 12), pick(1, 28), pick(0, 23), pick(0, 59),
                       pick(0, 59), pick(0, 999999));
  }

  // Floats from every corner Python's repr formats differently.
  double interesting_float() {
    switch (pick(0, 9)) {
      case 0: return unit() * 1e-6;                       // exponent form, small
      case 1: return (unit() + 1.0) * 1e16;               // exponent form, large
      case 2: return 1e15 + static_cast<double>(pick(0, 1'000'000'000));  // just below 1e16
      case 3: return static_cast<double>(pick(0, 100000));  // integral
      case 4: return -unit() * 1000.0;
      case 5: return static_cast<double>(pick(0, 100000)) / 1000.0;  // short decimals
      case 6: return unit() * 1e-310;                     // denormal
      case 7: return unit() * 1e300;
      case 8: return 0.0001 * static_cast<double>(pick(1, 9));
      default: return unit();
    }
  }

  void materialization(std::size_t i) {
    static const char* const names[] = {"orders", "cüstömers", "商品", "événements 🚀", "línea_de_pedido", "zähler"};
    m_w.open('{');
    m_w.key("asset_key");
    m_w.open('[');
    m_w.string(fmt::format("catalog_{}", i % 7));
    m_w.string(fmt::format("schema_{}", i % 13));
    m_w.string(fmt::format("{}_{}", names[i % std::size(names)], i));
    m_w.close(']');
    m_w.key("status");
    m_w.string(i % 17 == 0 ? "failed" : "success");
    m_w.key("rows_copied");
    m_w.number(static_cast<std::int64_t>(pick(0, 50'000'000)));
    m_w.key("bytes_scanned");
    // Some beyond 64 bits: Python ints are exact, and so must we be.
    if (i % 5 == 0) {
      m_w.literal(fmt::format("{}{:019}", pick(1, 999), pick(0, 9'999'999'999'999'999'999ULL)));
    } else {
      m_w.number(static_cast<std::int64_t>(pick(0, 1'000'000'000'000)));
    }
    m_w.key("duration_ms");
    if (i % 3 == 0) {
      m_w.number(static_cast<double>(pick(1, 10'000'000)) / 7.0, i % 2 == 0);
    } else {
      m_w.number(static_cast<std::int64_t>(pick(1, 10'000'000)));
    }
    m_w.key("started_at");
    m_w.string(timestamp());
    m_w.key("finished_at");
    m_w.string(timestamp());
    m_w.key("metadata");
    m_w.open('{');
    m_w.key("strategy");
    m_w.open('{');
    m_w.key("type");
    m_w.string(i % 2 ? "incremental" : "full_refresh");
    m_w.key("timestamp_column");
    m_w.string("updated_at");
    m_w.key("watermark");
    m_w.string(timestamp());
    m_w.close('}');
    m_w.key("sql");
    m_w.string(fmt::format("SELECT \"id\",\n\t\"amount\" FROM \"{}\" WHERE note <> 'naïve \\ backslash' -- #{}", names[i % std::size(names)], i));
    m_w.key("columns");
    m_w.open('[');
    for (int c = 0; c < 6; ++c) {
      m_w.open('{');
      m_w.key("name");
      m_w.string(fmt::format("col_{}_{}", c, c % 2 ? "größe" : "value"));
      m_w.key("type");
      m_w.string(c % 3 ? "DECIMAL(18,2)" : "VARCHAR");
      m_w.key("nullable");
      m_w.literal(c % 2 ? "true" : "false");
      m_w.key("stats");
      m_w.open('{');
      m_w.key("min");
      m_w.number(interesting_float(), c % 2 == 0);
      m_w.key("max");
      m_w.number(interesting_float(), c % 2 == 1);
      m_w.key("mean");
      m_w.number(interesting_float(), false);
      m_w.key("null_fraction");
      m_w.number(unit() * 1e-5, true);
      m_w.key("distinct");
      m_w.number(static_cast<std::int64_t>(pick(0, 1'000'000)));
      m_w.close('}');
      m_w.close('}');
    }
    m_w.close(']');
    m_w.key("timings");
    m_w.open('{');
    m_w.key("compile_ms");
    m_w.number(static_cast<double>(pick(1, 100000)) / 3.0, false);
    m_w.key("execute_seconds");
    m_w.number(unit() * 60.0, true);
    m_w.key("queue_secs");
    m_w.number(static_cast<std::int64_t>(pick(0, 100)));
    m_w.close('}');
    m_w.key("tags");
    m_w.open('{');
    m_w.key("owner");
    m_w.string("dätä-team ✓");
    m_w.key("tier");
    m_w.number(static_cast<std::int64_t>(i % 4));
    m_w.key("cost_center");
    m_w.literal("null");
    m_w.close('}');
    m_w.key("last_value");
    m_w.string(timestamp());
    m_w.key("flags");
    m_w.open('[');
    m_w.literal("true");
    m_w.literal("false");
    m_w.literal("null");
    m_w.close(']');
    m_w.key("empty_object");
    m_w.open('{');
    m_w.close('}');
    m_w.key("empty_list");
    m_w.open('[');
    m_w.open('[');
    m_w.close(']');
    m_w.close(']');
    m_w.key("odd");
    m_w.escaped(R"(\u0000\u001f\u007f \ud800 lone \/ \b\f\r \"q\" \u00E9\uD83D\uDE00)");
    m_w.close('}');
    m_w.key("compute_cost_per_run");
    m_w.number(unit() * 10.0, false);
    m_w.key("partition");
    m_w.literal(i % 4 ? "null" : "{\"key\": \"2026-04-07\", \"rows\": 12}");
    m_w.close('}');
  }

  void check(int i) {
    m_w.open('{');
    m_w.key("name");
    m_w.string(fmt::format("row_count_{}", i));
    m_w.key("passed");
    m_w.literal(i % 9 ? "true" : "false");
    m_w.key("timestamp");
    m_w.string(timestamp());
    m_w.key("observed");
    m_w.number(interesting_float(), true);
    m_w.close('}');
  }

  std::string& m_out;
  Writer m_w;
  std::mt19937_64 m_random;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: make_big_capture OUT.json [MEGABYTES=100] [SEED=1]\n");
    return 2;
  }
  const double megabytes = argc > 2 ? std::atof(argv[2]) : 100.0;
  const auto seed = static_cast<std::uint64_t>(argc > 3 ? std::atoll(argv[3]) : 1);
  const auto target = static_cast<std::size_t>(megabytes * 1024 * 1024);
  std::string out;
  out.reserve(target + 65536);
  Generator(out, seed).document(target);
  std::FILE* file = std::fopen(argv[1], "wb");
  if (file == nullptr || std::fwrite(out.data(), 1, out.size(), file) != out.size() || std::fclose(file) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  std::printf("%zu\n", out.size());
  return 0;
}
