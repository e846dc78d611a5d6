#include "client/progress.h"

#include <algorithm>
#include <cstdio>

namespace bioner::client {
namespace {

constexpr auto kTerminalEvery = std::chrono::milliseconds(250);
constexpr auto kLogEvery = std::chrono::seconds(10);

std::string Bytes(uint64_t n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string Duration(double s) {
  const long t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof(buf), "%ldh%02ldm", t / 3600, t / 60 % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%ldm%02lds", t / 60, t % 60);
  }
  return buf;
}

}  // namespace

Progress::Progress(Mode mode, uint64_t total_bytes, size_t files)
    : mode_(mode),
      start_(std::chrono::steady_clock::now()),
      last_shown_(start_),
      total_bytes_(total_bytes),
      files_(files) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::StartFile(uint64_t bytes, size_t documents, size_t already_done) {
  ++file_index_;
  file_bytes_ = bytes;
  file_documents_ = documents;
  file_answered_ = already_done;
  if (documents > 0) credited_bytes_ += bytes * already_done / documents;
  Show(mode_ == Mode::kTerminal);
}

void Progress::Document(bool refused) {
  ++documents_;
  if (refused) ++refused_;
  ++file_answered_;
  Show(false);
}

void Progress::EndFile() {
  finished_bytes_ += file_bytes_;
  file_bytes_ = 0;
  file_documents_ = file_answered_ = 0;
  Show(true);
}

void Progress::DropFile(uint64_t bytes) {
  ++file_index_;
  total_bytes_ -= std::min(bytes, total_bytes_);
}

void Progress::BreakLine() {
  if (line_open_) std::fputc('\n', stderr);
  line_open_ = false;
}

void Progress::Finish() {
  if (mode_ == Mode::kOff || files_ == 0) return;
  // Not the same line twice in a log: the last file's end has usually just shown it.
  if (documents_ != shown_documents_ || file_index_ != shown_file_index_) Show(true);
  BreakLine();
}

std::string Progress::Line() const {
  const uint64_t current = file_documents_ > 0 ? file_bytes_ * file_answered_ / file_documents_ : 0;
  const uint64_t done = finished_bytes_ + current;
  const double s = seconds();
  const double speed = s > 0 ? (done - std::min(done, credited_bytes_)) / s : 0;
  std::string eta = "--";
  if (done >= total_bytes_) {
    eta = Duration(0);
  } else if (speed > 0) {
    eta = Duration(static_cast<double>(total_bytes_ - done) / speed);
  }
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "file %zu/%zu, %zu document%s (%zu refused), %.1f documents/s, %.1f%% of %s, "
                "ETA %s",
                file_index_, files_, documents_, documents_ == 1 ? "" : "s", refused_,
                s > 0 ? documents_ / s : 0.0,
                total_bytes_ > 0 ? 100.0 * static_cast<double>(done) / total_bytes_ : 100.0,
                Bytes(total_bytes_).c_str(), eta.c_str());
  return buf;
}

void Progress::Show(bool force) {
  if (mode_ == Mode::kOff) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_shown_ < (mode_ == Mode::kTerminal ? kTerminalEvery : kLogEvery)) {
    return;
  }
  last_shown_ = now;
  shown_documents_ = documents_;
  shown_file_index_ = file_index_;
  const std::string line = Line();
  if (mode_ == Mode::kTerminal) {
    // \033[K clears what a longer earlier line left to the right.
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    line_open_ = true;
  } else {
    std::fprintf(stderr, "bioner-client: progress: %s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace bioner::client
