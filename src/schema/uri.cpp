#include "uri.hpp"

#include <cstddef>

namespace fixturegen::schema {

namespace {

struct UriParts {
  std::string_view scheme;
  std::string_view authority;
  std::string_view path;
  std::string_view query;
  std::string_view fragment;
  bool has_scheme = false;
  bool has_authority = false;
  bool has_query = false;
  bool has_fragment = false;
};

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

UriParts parse(std::string_view uri) {
  UriParts parts;
  std::string_view rest = uri;
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    parts.fragment = rest.substr(hash + 1);
    parts.has_fragment = true;
    rest = rest.substr(0, hash);
  }
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    parts.query = rest.substr(question + 1);
    parts.has_query = true;
    rest = rest.substr(0, question);
  }
  // A scheme is letters up to the first ':' that comes before any '/'.
  if (const auto colon = rest.find(':'); colon != std::string_view::npos && colon > 0) {
    bool valid = true;
    for (std::size_t i = 0; i < colon; ++i) {
      if (!is_scheme_char(rest[i], i == 0)) {
        valid = false;
        break;
      }
    }
    if (valid) {
      parts.scheme = rest.substr(0, colon);
      parts.has_scheme = true;
      rest = rest.substr(colon + 1);
    }
  }
  if (rest.size() >= 2 && rest[0] == '/' && rest[1] == '/') {
    rest = rest.substr(2);
    const auto slash = rest.find('/');
    parts.authority = rest.substr(0, slash);
    parts.has_authority = true;
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  parts.path = rest;
  return parts;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.remove_prefix(3);
    } else if (input.starts_with("./")) {
      input.remove_prefix(2);
    } else if (input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../") || input == "/..") {
      if (input == "/..") {
        input = "/";
      } else {
        input.remove_prefix(3);
      }
      const auto last = output.rfind('/');
      output.resize(last == std::string::npos ? 0 : last);
    } else if (input == "." || input == "..") {
      input = {};
    } else {
      std::size_t end = input.find('/', input[0] == '/' ? 1 : 0);
      if (end == std::string_view::npos) end = input.size();
      output.append(input.substr(0, end));
      input.remove_prefix(end);
    }
  }
  return output;
}

std::string compose(const UriParts& parts, std::string_view path) {
  std::string out;
  if (parts.has_scheme) {
    out.append(parts.scheme);
    out += ':';
  }
  if (parts.has_authority) {
    out += "//";
    out.append(parts.authority);
  }
  out.append(path);
  if (parts.has_query) {
    out += '?';
    out.append(parts.query);
  }
  if (parts.has_fragment) {
    out += '#';
    out.append(parts.fragment);
  }
  return out;
}

}  // namespace

std::string resolve_uri(std::string_view base, std::string_view reference) {
  const UriParts ref = parse(reference);
  if (ref.has_scheme) return compose(ref, remove_dot_segments(ref.path));
  const UriParts b = parse(base);
  UriParts target;
  target.scheme = b.scheme;
  target.has_scheme = b.has_scheme;
  target.fragment = ref.fragment;
  target.has_fragment = ref.has_fragment;
  std::string path;
  if (ref.has_authority) {
    target.authority = ref.authority;
    target.has_authority = true;
    path = remove_dot_segments(ref.path);
    target.query = ref.query;
    target.has_query = ref.has_query;
  } else {
    target.authority = b.authority;
    target.has_authority = b.has_authority;
    if (ref.path.empty()) {
      path = std::string(b.path);
      target.query = ref.has_query ? ref.query : b.query;
      target.has_query = ref.has_query || b.has_query;
    } else {
      if (ref.path.front() == '/') {
        path = remove_dot_segments(ref.path);
      } else {
        std::string merged;
        if (b.has_authority && b.path.empty()) {
          merged = "/";
        } else if (const auto slash = b.path.rfind('/'); slash != std::string_view::npos) {
          merged = std::string(b.path.substr(0, slash + 1));
        }
        merged.append(ref.path);
        // A relative base without any path keeps the reference as written.
        path = (b.has_scheme || b.has_authority || merged.front() == '/')
                   ? remove_dot_segments(merged)
                   : merged;
      }
      target.query = ref.query;
      target.has_query = ref.has_query;
    }
  }
  return compose(target, path);
}

SplitUri split_fragment(std::string_view uri) {
  SplitUri split;
  const auto hash = uri.find('#');
  if (hash == std::string_view::npos) {
    split.base = uri;
    return split;
  }
  split.base = uri.substr(0, hash);
  split.fragment = uri.substr(hash + 1);
  split.has_fragment = true;
  return split;
}

std::string_view strip_fragment(std::string_view uri) { return split_fragment(uri).base; }

bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = hex(text[i + 1]);
    const int low = hex(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

}  // namespace fixturegen::schema
