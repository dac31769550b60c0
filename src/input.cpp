#include "input.hpp"

#include "command.hpp"

#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/encoding.hpp>
#include <cxkpi/io/json.hpp>
#include <cxkpi/io/layouts.hpp>
#include <cxkpi/io/source.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace cxkpi::cli {
namespace {

// Replays the bytes read to sniff the format, then continues with the rest,
// so standard input can be sniffed without seeking.
class replay_source final : public io::byte_source {
 public:
  replay_source(std::unique_ptr<io::byte_source> inner, std::string prefix)
      : inner_(std::move(inner)), prefix_(std::move(prefix)) {}
  std::size_t read(char* buffer, std::size_t size) override {
    if (offset_ < prefix_.size()) {
      const std::size_t n = std::min(size, prefix_.size() - offset_);
      std::memcpy(buffer, prefix_.data() + offset_, n);
      offset_ += n;
      return n;
    }
    return inner_->read(buffer, size);
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<io::byte_source> inner_;
  std::string prefix_;
  std::size_t offset_ = 0;
};

bool ends_with_any(std::string_view path, std::initializer_list<std::string_view> endings) {
  for (std::string_view e : endings)
    if (path.size() >= e.size()) {
      bool same = true;
      for (std::size_t i = 0; i < e.size(); ++i) {
        char c = path[path.size() - e.size() + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        same = same && c == e[i];
      }
      if (same) return true;
    }
  return false;
}

io::layout_options layout_options_of(const input_options& options) {
  io::layout_options lo;
  if (!options.source.empty()) lo.forced = io::parse_layout_name(options.source);
  lo.include_cancelled = options.include_cancelled;
  return lo;
}

io::csv_options csv_options_of(const input_options& options) {
  io::csv_options csv;
  csv.delimiter = options.delimiter;
  csv.whitespace = options.whitespace_delimited;
  csv.names = options.names;
  return csv;
}

// --verbose notes, printed at once like diagnostics::info.
void note(const input_options& options, const std::string& message) {
  if (options.verbose) std::fprintf(stderr, "cxkpi: %s\n", message.c_str());
}

// Whether the file that starts with `head` is converted to UTF-8 on the way
// in (UTF-16, Windows-1252): then only open_table reads it.
bool converted_encoding(std::string_view head) {
  const bool whole = head.size() <= io::sniff_size;
  return io::converted(io::detect_encoding(head.substr(0, std::min(head.size(), io::sniff_size)), whole));
}

}  // namespace

void source_log::add(std::string_view layout) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (std::find(names_.begin(), names_.end(), layout) == names_.end()) names_.emplace_back(layout);
}

std::string source_log::joined() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const std::string& name : names_) out += (out.empty() ? "" : ", ") + name;
  return out;
}

void add_source_option(CLI::App& command, input_options& options) {
  std::string list;
  for (io::layout l : io::all_layouts) list += (list.empty() ? "" : ", ") + std::string(io::layout_name(l));
  command
      .add_option("--source", options.source,
                  "Read the inputs as this platform's export (default: recognised from the header rows; "
                  "generic turns that off): " +
                      list)
      ->check([list](const std::string& name) {
        return io::parse_layout_name(name) ? std::string() : "unknown source \"" + name + "\" (one of " + list + ")";
      });
}

void add_include_cancelled_flag(CLI::App& command, input_options& options) {
  command.add_flag("--include-cancelled", options.include_cancelled,
                   "Shopify exports: count cancelled, refunded and voided orders too (left out by default)");
}

std::unique_ptr<io::table_reader> open_table(const std::string& path, const input_options& options) {
  auto decoded = std::make_unique<io::utf8_source>(std::make_unique<io::file_source>(path));
  const io::text_encoding encoding = decoded->encoding();
  if (io::converted(encoding))
    note(options, fmt::format("{}: encoding: {}{}, converted to UTF-8", decoded->name(), io::encoding_name(encoding),
                              encoding == io::text_encoding::windows1252 ? " (the first 64 KiB are not valid UTF-8)"
                                                                         : " (byte order mark)"));
  std::unique_ptr<io::byte_source> bytes = std::move(decoded);
  std::string format = options.format;
  if (format == "auto") {
    if (ends_with_any(path, {".json", ".jsonl", ".ndjson"})) {
      format = "json";
    } else if (ends_with_any(path, {".csv", ".tsv", ".txt"})) {
      format = "csv";
    } else {
      // Sniff: the first byte that is not white space (after a BOM).
      std::string prefix;
      char block[4096];
      std::size_t first = std::string::npos;
      while (first == std::string::npos) {
        const std::size_t got = bytes->read(block, sizeof block);
        if (got == 0) break;
        prefix.append(block, got);
        std::size_t start = prefix.starts_with("\xEF\xBB\xBF") ? 3 : 0;
        first = prefix.find_first_not_of(" \t\r\n", start);
      }
      format = first != std::string::npos && (prefix[first] == '[' || prefix[first] == '{') ? "json" : "csv";
      bytes = std::make_unique<replay_source>(std::move(bytes), std::move(prefix));
    }
  }
  std::unique_ptr<io::table_reader> reader;
  if (format == "json") {
    reader = std::make_unique<io::json_reader>(std::move(bytes));
  } else {
    reader = std::make_unique<io::csv_reader>(std::move(bytes), csv_options_of(options));
  }
  reader = io::open_layout(std::move(reader), layout_options_of(options));
  if (const io::layout_info* info = io::layout_of(*reader)) {
    options.sources->add(io::layout_name(info->kind));
    note(options, fmt::format("{}: source: {} ({}): {}", reader->name(), io::layout_name(info->kind),
                              info->forced ? "named with --source" : "recognised from the header",
                              info->description));
  }
  return reader;
}

bool needs_serial_read(const std::string& path, const input_options& options, std::string_view bytes) {
  if (converted_encoding(bytes)) return true;
  const io::layout_options layouts = layout_options_of(options);
  if (layouts.forced) return *layouts.forced != io::layout::generic;
  try {
    io::csv_options csv = csv_options_of(options);
    csv.block_size = std::size_t{64} << 10;
    auto reader = std::make_unique<io::csv_reader>(std::make_unique<io::memory_source>(bytes, path), csv);
    return io::layout_of(*io::open_layout(std::move(reader), layouts)) != nullptr;
  } catch (...) {
    return false;  // a bad header or first rows: whichever path reads the file reports it
  }
}

std::optional<std::vector<std::string>> json_lines_header(const std::string& path, const input_options& options,
                                                          std::string_view head) {
  if (converted_encoding(head)) return {};
  const io::layout_options layouts = layout_options_of(options);
  if (layouts.forced && *layouts.forced != io::layout::generic) return {};
  try {
    auto reader = std::make_unique<io::json_reader>(std::make_unique<io::file_source>(path));
    if (!reader->json_lines()) return {};
    std::vector<std::string> header = reader->header();
    if (io::layout_of(*io::open_layout(std::move(reader), layouts)) != nullptr) return {};
    return header;
  } catch (...) {
    return {};
  }
}

std::string columns_clause(const io::table_reader& reader) {
  if (const io::layout_info* info = io::layout_of(reader))
    return "the candidate columns are " + io::describe_candidate_columns(*info);
  return "the columns are " + columns_list(reader.header());
}

}  // namespace cxkpi::cli
