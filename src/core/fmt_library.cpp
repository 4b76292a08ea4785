// fmt, compiled once for the static build.
//
// Debian 12 ships fmt as headers plus libfmt.so, no libfmt.a, so a static
// binary used fmt header-only (FMT_HEADER_ONLY), which compiles fmt's whole
// implementation (fmt/format-inl.h, Dragonbox tables included) into every
// file that formats: ~4 s of a -O2 compile each, most of the clean build.
// Instead, this one file compiles that implementation, exactly as fmt's own
// src/format.cc does for libfmt (same explicit instantiations, fmt 9.1), and
// every other file sees declarations only. The dynamic build links Debian's
// libfmt.so and does not compile this file.
#include <fmt/format-inl.h>

#if FMT_VERSION / 100 != 901
#error "fmt is not 9.1: copy the explicit instantiations below from that version's src/format.cc"
#endif

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;

#ifndef FMT_STATIC_THOUSANDS_SEPARATOR
template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
#endif

template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API void buffer<char>::append(const char*, const char*);
template FMT_API void vformat_to(buffer<char>&, string_view, basic_format_args<FMT_BUFFER_CONTEXT(char)>, locale_ref);

template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
template FMT_API void buffer<wchar_t>::append(const wchar_t*, const wchar_t*);

}  // namespace detail
FMT_END_NAMESPACE
