#include "output.hpp"

#include "exit_code.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cxkpi::cli {
namespace {

// The temporary file being written, for the signal handler to remove. A
// fixed buffer because a handler may not allocate.
char pending_temp[4096];
volatile std::sig_atomic_t temp_pending = 0;

extern "C" void remove_temp_and_reraise(int signal_number) {
  if (temp_pending) ::unlink(pending_temp);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void write_all(int fd, std::string_view content, const std::string& name) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      // The reader went away (`cxkpi ... | head -1`) while SIGPIPE was ignored:
      // end as quietly as the default SIGPIPE would, not with an error.
      if (errno == EPIPE) {
        std::signal(SIGPIPE, SIG_DFL);
        std::raise(SIGPIPE);
      }
      throw output_error("cannot write " + name + ": " + std::strerror(errno));
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void write_output(std::string_view content, const std::string& path) {
  if (path.empty() || path == "-") {
    write_all(STDOUT_FILENO, content, "standard output");
    return;
  }
  // Devices and pipes (/dev/stdout, /dev/full, a FIFO) cannot be replaced by
  // a rename: write to them directly.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw output_error("cannot open " + path + ": " + std::strerror(errno));
    try {
      write_all(fd, content, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0) throw output_error("cannot write " + path + ": " + std::strerror(errno));
    return;
  }
  const std::string temp = path + ".tmp.XXXXXX";
  if (temp.size() >= sizeof pending_temp) throw output_error("output path too long: " + path);
  std::memcpy(pending_temp, temp.c_str(), temp.size() + 1);
  std::signal(SIGINT, remove_temp_and_reraise);
  std::signal(SIGTERM, remove_temp_and_reraise);
  // Pending before mkstemp creates the file: a signal landing just after it
  // would otherwise leave the temporary behind (unlinking a name not created
  // yet is harmless).
  temp_pending = 1;
  const int fd = ::mkstemp(pending_temp);
  if (fd < 0) {
    temp_pending = 0;
    throw output_error("cannot create a file next to " + path + ": " + std::strerror(errno));
  }
  // Any failure from here on removes the temporary and reports the errno of
  // the step that failed.
  auto discard = [&](bool close_fd) {
    const int saved = errno;
    if (close_fd) ::close(fd);
    ::unlink(pending_temp);
    temp_pending = 0;
    return output_error("cannot write " + path + ": " + std::strerror(saved));
  };
  try {
    write_all(fd, content, path);
  } catch (const output_error&) {
    ::close(fd);
    ::unlink(pending_temp);
    temp_pending = 0;
    throw;
  }
  ::fchmod(fd, 0644);  // mkstemp makes 0600; an output file is for sharing
  if (::fsync(fd) != 0) throw discard(true);
  if (::close(fd) != 0) throw discard(false);
  if (::rename(pending_temp, path.c_str()) != 0) throw discard(false);
  temp_pending = 0;
}

}  // namespace cxkpi::cli
