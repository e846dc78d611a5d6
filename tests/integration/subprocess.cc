#include "tests/integration/subprocess.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace bioner::testing {

StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  std::ifstream in(path);
  if (!in) return NotFound("cannot read " + path);
  ProcessMemory m;
  std::string key;
  while (in >> key) {
    int64_t kb = 0;
    if (key == "VmRSS:" && in >> kb) m.rss_bytes = kb * 1024;
    if (key == "VmHWM:" && in >> kb) m.hwm_bytes = kb * 1024;
  }
  if (m.rss_bytes == 0) return Internal(path + ": no VmRSS line");
  return m;
}

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "XXXXXX";
  char* dir = ::mkdtemp(tmpl.data());
  return dir ? std::string(dir) : std::string();
}

namespace {
std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

ProcessResult RunProcess(const std::string& command, const std::string& input) {
  // Files rather than pipes: no deadlock however much the child writes.
  const std::string dir = MakeTempDir("bioner_proc_");
  const std::string in = dir + "/in", out = dir + "/out", err = dir + "/err";
  std::ofstream(in, std::ios::binary) << input;
  const std::string full = "(" + command + ") <" + in + " >" + out + " 2>" + err;
  const int status = std::system(full.c_str());
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  std::system(("rm -rf " + dir).c_str());
  return r;
}

}  // namespace bioner::testing
