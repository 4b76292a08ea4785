#include <fixturegen/cli/output_dir.hpp>

#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/regen/capture_plan.hpp>

#include <filesystem>
#include <system_error>

namespace fixturegen::cli {

Expected<std::string> resolve_output_dir(const OutputDirChoice& choice) {
  if (!choice.dir.empty()) return choice.dir;
  std::filesystem::path config = choice.config;
  if (config.empty()) {
    std::error_code ec;
    config = std::string(regen::kDefaultConfigFile);
    if (!std::filesystem::exists(config, ec)) return ProjectPaths::defaults().captures;
  }
  // A plan that does not load is an error, not a silent fall-back to the
  // default dir: accepting into the wrong tree is worse than stopping.
  Expected<regen::ProjectConfig> project = regen::load_project_config(config);
  if (!project) return std::move(project).error();
  return (project->root / project->output).lexically_normal().string();
}

}  // namespace fixturegen::cli
