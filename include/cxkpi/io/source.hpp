#pragma once
/// \file
/// Where bytes come from: a file, standard input (`-`), or memory (tests).
/// Readers pull blocks from a byte_source, so they never need the whole input
/// in memory and standard input streams like a file.

#include <cxkpi/error.hpp>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

namespace cxkpi::io {

/// A stream of bytes with a name for messages.
class byte_source {
 public:
  virtual ~byte_source() = default;
  /// Reads up to `size` bytes into `buffer`; returns 0 only at the end.
  /// Throws input_error when the underlying read fails.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
  /// The name errors use: the path as given, or `<stdin>`.
  virtual const std::string& name() const = 0;
};

/// A file or standard input, read with plain read(2) calls: no stdio buffer
/// in between, since every reader keeps its own large block.
class file_source final : public byte_source {
 public:
  /// Opens `path`; `-` means standard input. Throws input_error naming the
  /// path and the system's reason when it cannot be opened.
  explicit file_source(const std::string& path) {
    if (path == "-") {
      fd_ = 0;
      name_ = "<stdin>";
      return;
    }
    name_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw input_error("cannot open " + path + ": " + std::strerror(errno));
    owns_ = true;
  }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;
  ~file_source() override {
    if (owns_) ::close(fd_);
  }

  std::size_t read(char* buffer, std::size_t size) override {
    for (;;) {
      ssize_t got = ::read(fd_, buffer, size);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno == EINTR) continue;
      throw input_error("cannot read " + name_ + ": " + std::strerror(errno));
    }
  }
  const std::string& name() const override { return name_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool owns_ = false;
  std::string name_;
};

/// Bytes already in memory; the source does not own them.
class memory_source final : public byte_source {
 public:
  explicit memory_source(std::string_view bytes, std::string name = "<memory>")
      : bytes_(bytes), name_(std::move(name)) {}
  std::size_t read(char* buffer, std::size_t size) override {
    std::size_t n = size < bytes_.size() ? size : bytes_.size();
    if (n != 0) std::memcpy(buffer, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::string name_;
};

}  // namespace cxkpi::io
