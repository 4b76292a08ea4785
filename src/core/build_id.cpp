#include <fixturegen/core/build_id.hpp>

#include <fmt/format.h>

#include <elf.h>
#include <link.h>

#include <cstring>

namespace fixturegen {

namespace {

// Finds NT_GNU_BUILD_ID in the first object dl_iterate_phdr lists (the
// executable itself, static or not).
int find_build_id(dl_phdr_info* info, std::size_t /*size*/, void* data) {
  auto& out = *static_cast<std::optional<std::string>*>(data);
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info->dlpi_addr + header.p_vaddr);
    const char* end = at + header.p_memsz;
    while (end - at >= static_cast<std::ptrdiff_t>(sizeof(ElfW(Nhdr)))) {
      ElfW(Nhdr) note;
      std::memcpy(&note, at, sizeof note);
      const std::size_t name_size = (note.n_namesz + 3u) & ~3u;
      const std::size_t desc_size = (note.n_descsz + 3u) & ~3u;
      const char* name = at + sizeof note;
      const char* desc = name + name_size;
      if (desc + desc_size > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
          note.n_descsz > 0) {
        const auto* id = reinterpret_cast<const unsigned char*>(desc);
        out = fmt::format("{:02x}", fmt::join(id, id + note.n_descsz, ""));
        return 1;
      }
      at = desc + desc_size;
    }
  }
  return 1;  // only the executable
}

}  // namespace

const std::optional<std::string>& build_id() {
  static const std::optional<std::string> id = [] {
    std::optional<std::string> found;
    dl_iterate_phdr(find_build_id, &found);
    return found;
  }();
  return id;
}

}  // namespace fixturegen
