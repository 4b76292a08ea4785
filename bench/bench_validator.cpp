// Validator speed on real data: every reference capture against its engine
// schema, plus a synthetic ~15 KB run capture (materializations repeated),
// with and without format checks. Target: >= 10,000 captures/s for 5-20 KB
// captures; peer figure: sourcemeta Blaze, 3.4 us for run.json.
//
//   FIXTUREGEN_ROCKY_REFERENCE=/path/to/rocky-reference bench_validator [iterations]

#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/validator.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace fixturegen;

namespace {

constexpr double kBlazeRunMicros = 3.4;

std::shared_ptr<const json::Document> parse(const std::string& text) {
  auto document = std::make_shared<json::Document>();
  if (json::Document::parse(text, *document)) return nullptr;
  return document;
}

struct Capture {
  std::string name;
  std::size_t bytes;
  std::shared_ptr<const json::Document> document;
  std::string schema;
};

double micros_per_call(const schema::Validator& validator, json::Value value, int iterations,
                       bool full) {
  bool sink = true;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    if (full) sink = validator.validate(value).value().empty() && sink;
    else sink = validator.is_valid(value).value() && sink;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (!sink) std::printf("  (invalid!)\n");
  return std::chrono::duration<double, std::micro>(elapsed).count() / iterations;
}

}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("FIXTUREGEN_ROCKY_REFERENCE");
  if (env == nullptr || *env == '\0') {
    std::printf("skipped: FIXTUREGEN_ROCKY_REFERENCE is not set\n");
    return 0;
  }
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  const fs::path root(env);
  schema::SchemaStore store;
  std::map<std::string, schema::Validator> plain;
  std::map<std::string, schema::Validator> checked;
  schema::ValidatorOptions with_formats;
  with_formats.check_formats = true;
  const auto compile_start = std::chrono::steady_clock::now();
  auto schema_files = io::list_json_files(root / "schemas");
  if (!schema_files) return 1;
  for (const auto& file : *schema_files) {
    const auto document = parse(*io::read_file(file));
    std::string name = file.filename().string();
    name.resize(name.size() - std::string(".schema.json").size());
    auto a = schema::Validator::compile(document, "file://" + file.string(), store);
    auto b = schema::Validator::compile(document, "file://" + file.string(), store, with_formats);
    if (!a || !b) {
      std::printf("%s: %s\n", name.c_str(), (!a ? a.error() : b.error()).message.c_str());
      return 1;
    }
    plain.emplace(name, std::move(a).value());
    checked.emplace(name, std::move(b).value());
  }
  const double compile_ms = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - compile_start).count();
  std::printf("compiled %zu schemas twice in %.1f ms\n", plain.size(), compile_ms);

  std::vector<Capture> captures;
  auto capture_files = io::list_json_files(root / "fixtures_generated");
  if (!capture_files) return 1;
  for (const auto& file : *capture_files) {
    const std::string text = *io::read_file(file);
    auto document = parse(text);
    std::string name(document->root().find("command")->as_string());
    if (name == "lineage" && document->root().find("column")) name = "column_lineage";
    if (name == "history" && document->root().find("model")) name = "model_history";
    captures.push_back({fs::relative(file, root / "fixtures_generated").string(), text.size(),
                        document, name});
    if (file.filename() == "run.json" && file.parent_path().filename() == "fixtures_generated") {
      // ~15 KB: the same run with many materializations.
      auto big = nlohmann::ordered_json::parse(text);
      auto& list = big["materializations"];
      const auto one = list.at(0);
      while (big.dump(2).size() < 15000) list.push_back(one);
      const std::string big_text = big.dump(2);
      captures.push_back({"synthetic/run_15k.json", big_text.size(), parse(big_text), "run"});
    }
  }

  double total_fast = 0;
  double total_full = 0;
  double total_formats = 0;
  std::size_t total_bytes = 0;
  std::printf("%-42s %7s %10s %10s %12s\n", "capture", "bytes", "is_valid", "validate", "+formats");
  for (const Capture& capture : captures) {
    const json::Value value = capture.document->root();
    const double fast = micros_per_call(plain.at(capture.schema), value, iterations, false);
    const double full = micros_per_call(plain.at(capture.schema), value, iterations, true);
    const double formats = micros_per_call(checked.at(capture.schema), value, iterations, false);
    std::printf("%-42s %7zu %8.2fus %8.2fus %10.2fus\n", capture.name.c_str(), capture.bytes, fast,
                full, formats);
    if (capture.name.starts_with("synthetic/")) continue;
    total_fast += fast;
    total_full += full;
    total_formats += formats;
    total_bytes += capture.bytes;
  }
  const double n = static_cast<double>(captures.size() - 1);
  std::printf("mean over %zu reference captures (%.0f bytes avg): is_valid %.2f us (%.0f captures/s), "
              "validate %.2f us, with formats %.2f us\n",
              captures.size() - 1, static_cast<double>(total_bytes) / n, total_fast / n,
              1e6 / (total_fast / n), total_full / n, total_formats / n);
  for (const Capture& capture : captures) {
    if (capture.name == "run.json") {
      const double fast = micros_per_call(plain.at("run"), capture.document->root(), iterations, false);
      std::printf("run.json: %.2f us; peer sourcemeta Blaze %.1f us (ratio %.2f)\n", fast,
                  kBlazeRunMicros, fast / kBlazeRunMicros);
    }
  }
  return 0;
}
