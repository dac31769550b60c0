// Faults around the data (issue 7): a full disk, an unwritable directory, a
// reader that goes away, a file that shrinks or grows while it is read, a
// signal in the middle of a run, and an input larger than 4 GiB. Each must end
// with a clear error or a consistent result, never a crash, a hang, a
// half-written -o file or a temporary left behind.

#include "run_cxkpi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs a shell command line (bash, for PIPESTATUS and traps) and returns its
// exit status the way a shell reports it.
int shell(const std::string& command) {
  const std::string line = "bash -c '" + [&] {
    std::string quoted;
    for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted;
  }() + "'";
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const std::string binary = CXKPI_BINARY;
const std::string clean_env = "env -i PATH=/usr/bin:/bin LC_ALL=C ";

// A survey export with `rows` respondents, so that `--by response_id` gives
// a large output (about 2 KB per respondent in JSON).
std::string make_survey(const std::string& name, int rows) {
  const std::string path = scratch_dir() + "/" + name;
  if (fs::exists(path)) return path;
  std::ofstream f(path, std::ios::binary);
  f << "response_id,region,nps,csat,ces\n";
  std::uint32_t x = 12345;
  for (int i = 0; i < rows; ++i) {
    x = x * 1103515245U + 12345U;
    f << "R" << i << ",R" << (x >> 8) % 4 << ',' << (x >> 12) % 11 << ',' << 1 + (x >> 16) % 5 << ','
      << 1 + (x >> 20) % 7 << '\n';
  }
  return path;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool has_temporary(const std::string& dir) {
  for (const std::string& name : entries(dir))
    if (name.find(".tmp.") != std::string::npos) return true;
  return false;
}

std::string fresh_dir(const std::string& name, mode_t mode = 0700) {
  const std::string dir = scratch_dir() + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  ::chmod(dir.c_str(), mode);
  return dir;
}

// --- spawning cxkpi directly, for signals and races --------------------------------

struct child {
  pid_t pid = -1;
};

// Starts cxkpi with `args`, stdin from `stdin_fd` (or /dev/null), stdout and
// stderr to files in the scratch directory.
child spawn(const std::vector<std::string>& args, int stdin_fd = -1) {
  const std::string out = scratch_dir() + "/spawn_stdout";
  const std::string err = scratch_dir() + "/spawn_stderr";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int in = stdin_fd >= 0 ? stdin_fd : ::open("/dev/null", O_RDONLY);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    char path_env[] = "PATH=/usr/bin:/bin";
    char locale_env[] = "LC_ALL=C";
    char* envp[] = {path_env, locale_env, nullptr};
    ::execve(binary.c_str(), argv.data(), envp);
    ::_exit(127);
  }
  return {pid};
}

// Waits for the child, at most `seconds`; kills it (and fails) on a hang.
// Returns the exit status as a shell reports it.
int wait_for(child c, int seconds = 120) {
  for (int waited = 0; waited < seconds * 100; ++waited) {
    int status = 0;
    if (::waitpid(c.pid, &status, WNOHANG) == c.pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(c.pid, SIGKILL);
  ::waitpid(c.pid, nullptr, 0);
  FAIL("cxkpi did not end within " << seconds << " s");
  return -1;
}

std::string spawned_stderr() { return slurp(scratch_dir() + "/spawn_stderr"); }
std::string spawned_stdout() { return slurp(scratch_dir() + "/spawn_stdout"); }

void check_consistent(const std::string& out) {
  const json report = json::parse(out);
  const json& rows = report["rows"];
  std::uint64_t skipped = 0;
  for (const auto& [reason, count] : rows["skipped_by_reason"].items()) skipped += count.get<std::uint64_t>();
  CHECK(rows["skipped"].get<std::uint64_t>() == skipped);
  CHECK(rows["read"].get<std::uint64_t>() == rows["used"].get<std::uint64_t>() + skipped);
}

}  // namespace

// --- a full disk -------------------------------------------------------------------------

TEST_CASE("faults: output to /dev/full exits 74 with a message", "[faults]") {
  const std::string input = make_survey("small.csv", 50);
  SECTION("-o /dev/full") {
    const run_result r = run_cxkpi("nps '" + input + "' -o /dev/full");
    CHECK(r.exit_code == 74);
    CHECK(r.err == "cxkpi: error: cannot write /dev/full: No space left on device\n");
  }
  SECTION("standard output is /dev/full") {
    const int status = shell(clean_env + "'" + binary + "' nps '" + input + "' >/dev/full 2>'" + scratch_dir() +
                             "/full_err'");
    CHECK(status == 74);
    CHECK(slurp(scratch_dir() + "/full_err") == "cxkpi: error: cannot write standard output: No space left on device\n");
  }
}

TEST_CASE("faults: a file size limit (EFBIG) leaves the old -o file as it was and no temporary", "[faults]") {
  const std::string input = make_survey("big_output.csv", 2000);
  const std::string dir = fresh_dir("fsize");
  const std::string target = dir + "/report.json";
  { std::ofstream(target) << "previous\n"; }
  // SIGXFSZ ignored: the write fails with EFBIG instead of killing the process.
  const int status = shell("trap \"\" XFSZ; ulimit -f 64; " + clean_env + "'" + binary + "' survey '" + input +
                           "' --by response_id --format json -o '" + target + "' 2>'" + dir + "/../fsize_err'");
  CHECK(status == 74);
  CHECK(slurp(dir + "/../fsize_err").find("cannot write " + target + ": File too large") != std::string::npos);
  CHECK(slurp(target) == "previous\n");
  CHECK(entries(dir) == std::vector<std::string>{"report.json"});
}

TEST_CASE("faults: a full tmpfs leaves the old -o file as it was and no temporary", "[faults]") {
  const std::string input = make_survey("big_output.csv", 2000);
  const std::string dir = fresh_dir("tmpfs");
  if (shell("mount -t tmpfs -o size=64k cxkpi-test '" + dir + "' 2>/dev/null") != 0) {
    WARN("skipped: cannot mount a 64 KiB tmpfs here (needs root); the EFBIG test covers the same path");
    std::fprintf(stderr, "cli_faults_test: skipped: full tmpfs test (cannot mount a tmpfs; needs root)\n");
    return;
  }
  const std::string target = dir + "/report.json";
  { std::ofstream(target) << "previous\n"; }
  const run_result r = run_cxkpi("survey '" + input + "' --by response_id --format json -o '" + target + "'");
  const std::string before_unmount = slurp(target);
  const std::vector<std::string> left = entries(dir);
  shell("umount '" + dir + "'");
  CHECK(r.exit_code == 74);
  CHECK(r.err.find("cannot write " + target + ": No space left on device") != std::string::npos);
  CHECK(before_unmount == "previous\n");
  CHECK(left == std::vector<std::string>{"report.json"});
}

TEST_CASE("faults: an unwritable directory exits 74 and creates nothing", "[faults]") {
  // Root ignores directory permissions, so run as nobody there.
  const std::string dir = "/tmp/cxkpi-faults-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir + "/locked");
  ::chmod(dir.c_str(), 0755);
  const std::string input = dir + "/in.csv";
  fs::copy_file(make_survey("small.csv", 50), input);
  ::chmod(input.c_str(), 0644);
  ::chmod((dir + "/locked").c_str(), 0555);
  std::string as_user;
  if (::geteuid() == 0) {
    if (shell("command -v setpriv >/dev/null") != 0) {
      std::fprintf(stderr, "cli_faults_test: skipped: unwritable directory test (root, and no setpriv)\n");
      WARN("skipped: root ignores directory permissions and setpriv is missing");
      fs::remove_all(dir);
      return;
    }
    as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const int status = shell(as_user + clean_env + "'" + binary + "' nps '" + input + "' -o '" + dir +
                           "/locked/out.txt' 2>'" + dir + "/err'");
  const std::string err = slurp(dir + "/err");
  const std::vector<std::string> left = entries(dir + "/locked");
  fs::remove_all(dir);
  CHECK(status == 74);
  CHECK(err.find("cannot create a file next to " + dir + "/locked/out.txt: Permission denied") != std::string::npos);
  CHECK(left.empty());
}

// --- a reader that goes away --------------------------------------------------------------

TEST_CASE("faults: a closed pipe (cxkpi ... | head -1) ends quietly", "[faults]") {
  const std::string input = make_survey("pipe.csv", 5000);
  const std::string err = scratch_dir() + "/pipe_err";
  const std::string run = clean_env + "'" + binary + "' survey '" + input + "' --by response_id 2>'" + err +
                          "' | head -1 >/dev/null; exit ${PIPESTATUS[0]}";
  SECTION("SIGPIPE at its default: ends by SIGPIPE, nothing on stderr") {
    const int status = shell(run);
    CHECK((status == 0 || status == 128 + SIGPIPE));
    CHECK(slurp(err) == "");
  }
  SECTION("SIGPIPE ignored by whoever started it: EPIPE still ends quietly") {
    const int status = shell("trap \"\" PIPE; " + run);
    CHECK((status == 0 || status == 128 + SIGPIPE));
    CHECK(slurp(err) == "");
  }
}

// --- inputs that change while read ---------------------------------------------------------

namespace {

// Truncates the input at fractions of an undisturbed run's time, so that the
// cut lands before, during and after the read whatever the build's speed.
// Returns a description of every run that crashed (empty: none did).
std::string truncate_while_reading(const std::vector<std::string>& extra_args) {
  const std::string path = scratch_dir() + "/changing.csv";
  auto write_input = [&] {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << "response_id,nps\n";
    for (int i = 0; i < 2'000'000; ++i) f << 'R' << i << ',' << i % 11 << '\n';
  };
  std::vector<std::string> args{"nps", path, "--format", "json", "-q"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  write_input();
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(wait_for(spawn(args)) == 0);
  const auto full = std::chrono::steady_clock::now() - start;
  std::string crashes;
  for (const int percent : {0, 15, 35, 55, 75}) {
    INFO("truncated at " << percent << "% of an undisturbed run");
    write_input();
    const child c = spawn(args);
    std::this_thread::sleep_for(full * percent / 100);
    REQUIRE(::truncate(path.c_str(), 9'000'003) == 0);  // mid-row
    const int status = wait_for(c);
    const std::string err = spawned_stderr();
    INFO("exit " << status << ", stderr: " << err.substr(0, 500));
    if (status == 0) {
      check_consistent(spawned_stdout());
    } else if (status == 65) {
      CHECK(err.find("changing.csv:") != std::string::npos);
    } else {
      std::string first_lines = err.substr(0, 300);
      for (char& ch : first_lines)
        if (ch == '\n') ch = ' ';
      crashes += "at " + std::to_string(percent) + "%: exit " + std::to_string(status) + " " + first_lines + "; ";
    }
  }
  return crashes;
}

}  // namespace

TEST_CASE("faults: a file truncated while read serially gives an error or a consistent result", "[faults]") {
  const std::string crashes = truncate_while_reading({"--threads", "1"});
  CHECK(crashes == "");
}

TEST_CASE("faults: a file truncated during the parallel read gives an error or a consistent result", "[faults]") {
  // The parallel path reads with pread(2) into per-thread buffers
  // (include/cxkpi/io/random_access.hpp): a file cut short mid-read makes a
  // short read, reported as exit 65 naming the file. It used to map the
  // file, and a page past the new end killed the process with SIGBUS.
  const std::string crashes = truncate_while_reading({"--threads", "2"});
  CHECK(crashes == "");
}

TEST_CASE("faults: a file appended to while read gives a consistent result", "[faults]") {
  const std::string path = scratch_dir() + "/growing.csv";
  for (const int delay_ms : {0, 30}) {
    INFO("appended to after " << delay_ms << " ms");
    {
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f << "response_id,nps\n";
      for (int i = 0; i < 2'000'000; ++i) f << 'R' << i << ',' << i % 11 << '\n';
    }
    const child c = spawn({"nps", path, "--format", "json", "-q"});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    {
      std::ofstream f(path, std::ios::binary | std::ios::app);
      for (int i = 0; i < 1000; ++i) f << "A" << i << ",10\n" << std::flush;
    }
    const int status = wait_for(c);
    INFO("stderr: " << spawned_stderr());
    REQUIRE((status == 0 || status == 65));
    if (status == 0) {
      check_consistent(spawned_stdout());
      const auto read = json::parse(spawned_stdout())["rows"]["read"].get<std::uint64_t>();
      CHECK(read >= 2'000'000);
      CHECK(read <= 2'001'000);
    }
  }
}

// --- signals -----------------------------------------------------------------------------

TEST_CASE("faults: SIGINT or SIGTERM while reading leaves no -o file and no temporary", "[faults]") {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    INFO("signal " << signal_number);
    const std::string dir = fresh_dir("signal_read");
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const std::string header = "response_id,nps\nR1,9\n";
    REQUIRE(::write(pipe_fds[1], header.data(), header.size()) == static_cast<ssize_t>(header.size()));
    const child c = spawn({"nps", "-", "-o", dir + "/out.txt"}, pipe_fds[0]);
    ::close(pipe_fds[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // it now waits for more input
    ::kill(c.pid, signal_number);
    const int status = wait_for(c, 30);
    ::close(pipe_fds[1]);
    CHECK(status == 128 + signal_number);
    CHECK(entries(dir).empty());
  }
}

TEST_CASE("faults: SIGINT or SIGTERM while writing -o removes the temporary and leaves the old file", "[faults]") {
  const std::string input = make_survey("signal_write.csv", 20000);
  for (const int signal_number : {SIGTERM, SIGINT}) {
    INFO("signal " << signal_number);
    bool caught = false;
    for (int attempt = 0; attempt < 3 && !caught; ++attempt) {
      const std::string dir = fresh_dir("signal_write");
      const std::string target = dir + "/report.json";
      { std::ofstream(target) << "previous\n"; }
      const child c = spawn({"survey", input, "--by", "response_id", "--format", "json", "-o", target});
      // Wait for the temporary to appear, then signal at once.
      int status = -1;
      for (int spin = 0; spin < 2'000'000; ++spin) {
        if (has_temporary(dir)) {
          ::kill(c.pid, signal_number);
          caught = true;
          break;
        }
        int s = 0;
        if (::waitpid(c.pid, &s, WNOHANG) == c.pid) {
          status = WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
          break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      if (caught) status = wait_for(c);
      INFO("stderr: " << spawned_stderr());
      // Whenever the signal lands, the directory holds the target alone, and
      // the target is either the old file or the whole new one.
      CHECK(entries(dir) == std::vector<std::string>{"report.json"});
      const std::string content = slurp(target);
      if (content == "previous\n") {
        CHECK(status == 128 + signal_number);  // killed inside the write window: the temporary went with it
      } else {
        CHECK_NOTHROW(json::parse(content));
        caught = false;  // the run got past the rename first: try again
      }
    }
    if (!caught)
      std::fprintf(stderr,
                   "cli_faults_test: note: signal %d never landed inside the write window in 3 tries "
                   "(each run was still checked: no temporary, a whole file)\n",
                   signal_number);
  }
}

// --- more than 4 GiB ------------------------------------------------------------------------

TEST_CASE("faults: an input over 4 GiB and 2^32 rows, streamed through a pipe", "[faults][slow]") {
  const char* slow = std::getenv("CXKPI_SLOW_TESTS");
  if (slow == nullptr || std::string(slow) != "1") {
    std::fprintf(stderr, "cli_faults_test: skipped: the >4 GiB streamed input; set CXKPI_SLOW_TESTS=1 to run it\n");
    WARN("skipped: set CXKPI_SLOW_TESTS=1");
    return;
  }
  // "9\n0\n10\n" repeated: 7 bytes per 3 rows, NPS 33.33. 2^32 + 1,703 rows,
  // about 10 GB: beyond 32-bit byte offsets and 32-bit row counters.
  const std::uint64_t rows = 4'294'968'999ULL;
  static_assert(4'294'968'999ULL % 3 == 0 && 4'294'968'999ULL > (1ULL << 32));
  const std::string out = scratch_dir() + "/huge_out";
  const auto start = std::chrono::steady_clock::now();
  // cxkpi's own status: `yes` ends by SIGPIPE when head is done, by design.
  const int status = shell("{ echo nps; yes \"$(printf \"9\\n0\\n10\")\" | head -n " + std::to_string(rows) +
                           "; } | " + clean_env + "'" + binary + "' nps - --format json >'" + out +
                           "'; exit ${PIPESTATUS[1]}");
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "cli_faults_test: %llu rows (%llu bytes) in %lld s\n", static_cast<unsigned long long>(rows),
               static_cast<unsigned long long>(rows / 3 * 7 + 4), static_cast<long long>(seconds));
  REQUIRE(status == 0);
  const json report = json::parse(slurp(out));
  CHECK(report["rows"]["read"].get<std::uint64_t>() == rows);
  CHECK(report["rows"]["used"].get<std::uint64_t>() == rows);
  CHECK(report["kpis"][0]["n"].get<std::uint64_t>() == rows);
  CHECK(report["kpis"][0]["promoters"].get<std::uint64_t>() == rows / 3 * 2);
  CHECK(report["kpis"][0]["detractors"].get<std::uint64_t>() == rows / 3);
  CHECK(report["kpis"][0]["value"].get<double>() == Approx(100.0 / 3));
}
