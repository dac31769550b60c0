#pragma once
/// \file
/// Bytes read at any offset, from several threads at once: what the parallel
/// CSV path (csv_chunks.hpp) reads a large file through, each thread its own
/// part into its own buffer.
///
/// A file is read with pread(2) rather than mapped: a mapped file that
/// another program truncates while it is read kills the process (SIGBUS on
/// the first page past the new end), while pread just comes up short, which
/// is reported as an error. The copy costs about what the page faults of a
/// mapping cost, and memory stays at one buffer a thread.

#include <cxkpi/error.hpp>
#include <cxkpi/io/source.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cxkpi::io {

/// A fixed number of bytes, readable at any offset; read_at is thread-safe.
class random_access_source {
 public:
  virtual ~random_access_source() = default;
  /// The number of bytes, fixed when the source was opened.
  virtual std::uint64_t size() const = 0;
  /// Copies the bytes [offset, offset + n) (n clipped at size()) to `out`
  /// and returns how many. Throws data_error when fewer are there than
  /// size() promised (a file truncated while read), input_error when
  /// reading fails.
  virtual std::size_t read_at(char* out, std::size_t n, std::uint64_t offset) const = 0;
  /// The name errors use: the path as given.
  virtual const std::string& name() const = 0;

 protected:
  std::size_t clip(std::size_t n, std::uint64_t offset) const {
    const std::uint64_t total = size();
    if (offset >= total) return 0;
    return total - offset < n ? static_cast<std::size_t>(total - offset) : n;
  }
};

/// Bytes already in memory (tests); the source does not own them.
class memory_random_access final : public random_access_source {
 public:
  explicit memory_random_access(std::string_view bytes, std::string name = "<memory>")
      : bytes_(bytes), name_(std::move(name)) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::size_t read_at(char* out, std::size_t n, std::uint64_t offset) const override {
    n = clip(n, offset);
    if (n != 0) std::memcpy(out, bytes_.data() + offset, n);
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::string name_;
};

/// A regular file, read with pread(2); its size is taken when it is opened
/// (bytes appended later are not read).
class file_random_access final : public random_access_source {
 public:
  /// Opens `path`. Throws input_error naming the path and the system's
  /// reason when it cannot be opened or is not a regular file.
  explicit file_random_access(const std::string& path) : name_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw input_error("cannot open " + path + ": " + std::strerror(errno));
    struct ::stat st {};
    if (::fstat(fd_, &st) != 0) {
      const int error = errno;
      ::close(fd_);
      throw input_error("cannot read " + path + ": " + std::strerror(error));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw input_error("cannot read " + path + ": not a regular file");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
#if defined(POSIX_FADV_SEQUENTIAL)
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint: more read-ahead from disk
#endif
  }
  file_random_access(const file_random_access&) = delete;
  file_random_access& operator=(const file_random_access&) = delete;
  ~file_random_access() override { ::close(fd_); }

  std::uint64_t size() const override { return size_; }
  std::size_t read_at(char* out, std::size_t n, std::uint64_t offset) const override {
    n = clip(n, offset);
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (got > 0) {
        done += static_cast<std::size_t>(got);
      } else if (got == 0) {
        throw data_error("the file got shorter while it was read (changed by another program?)", {name_, 0, 0});
      } else if (errno != EINTR) {
        throw input_error("cannot read " + name_ + ": " + std::strerror(errno));
      }
    }
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string name_;
};

/// The bytes [start, stop) of a random_access_source as a byte_source, read
/// front to back: a part of a file for a reader that streams, such as
/// json_reader on one part of a JSON Lines file. Keeps a reference to the
/// source, which must outlive it.
class range_source final : public byte_source {
 public:
  range_source(const random_access_source& bytes, std::uint64_t start, std::uint64_t stop)
      : bytes_(bytes), at_(start), stop_(stop < bytes.size() ? stop : bytes.size()) {}
  std::size_t read(char* buffer, std::size_t size) override {
    if (at_ >= stop_) return 0;
    const std::uint64_t left = stop_ - at_;
    const std::size_t n = bytes_.read_at(buffer, left < size ? static_cast<std::size_t>(left) : size, at_);
    at_ += n;
    return n;
  }
  const std::string& name() const override { return bytes_.name(); }

 private:
  const random_access_source& bytes_;
  std::uint64_t at_;
  std::uint64_t stop_;
};

}  // namespace cxkpi::io
