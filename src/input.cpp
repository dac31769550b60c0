#include "input.hpp"

#include <cxkpi/io/csv.hpp>
#include <cxkpi/io/json.hpp>
#include <cxkpi/io/source.hpp>

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

}  // namespace

std::unique_ptr<io::table_reader> open_table(const std::string& path, const input_options& options) {
  auto source = std::make_unique<io::file_source>(path);
  std::string format = options.format;
  std::unique_ptr<io::byte_source> bytes = std::move(source);
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
  if (format == "json") return std::make_unique<io::json_reader>(std::move(bytes));
  io::csv_options csv;
  csv.delimiter = options.delimiter;
  csv.whitespace = options.whitespace_delimited;
  csv.names = options.names;
  return std::make_unique<io::csv_reader>(std::move(bytes), csv);
}

}  // namespace cxkpi::cli
