#pragma once
// Runs the real cxkpi binary for end-to-end tests, in a clean environment
// (C locale, no colour, no terminal), and captures what it printed.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string scratch_dir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/cxkpi-cli-test-XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    return std::string(made ? made : "/tmp");
  }();
  return dir;
}

// `args` is a shell fragment (quote it as in a shell); `stdin_file` feeds
// standard input (default: /dev/null).
inline run_result run_cxkpi(const std::string& args, const std::string& stdin_file = "/dev/null") {
  const std::string out = scratch_dir() + "/stdout";
  const std::string err = scratch_dir() + "/stderr";
  const std::string command = "cd '" + scratch_dir() + "' && env -i PATH=/usr/bin:/bin LC_ALL=C '" CXKPI_BINARY "' " +
                              args + " <'" + stdin_file + "' >'" + out + "' 2>'" + err + "'";
  const int status = std::system(command.c_str());
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline std::string data(const std::string& relative) { return std::string(CXKPI_TEST_DATA) + "/" + relative; }
