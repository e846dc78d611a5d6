// One progress display on stderr over a whole annotation run, one file or many: documents
// done and refused, documents/s, and the time left. The time left is estimated from bytes
// of input (the only measure of the remaining work known before every file is parsed): the
// share of the current file done is its share of documents answered, and the rate is that
// of this run (what an earlier, resumed run did counts as done but not as speed).
//
//   kTerminal  one line, rewritten in place at most 4 times a second (stderr is a TTY)
//   kLog       a whole line per finished file and every 10 s (--progress into a log file)
//   kOff       nothing
//
// Not thread-safe: call it from one thread at a time (TaggerClient's callbacks, which report
// documents, run one at a time).
#ifndef BIONER_CLIENT_PROGRESS_H_
#define BIONER_CLIENT_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace bioner::client {

class Progress {
 public:
  enum class Mode { kOff, kTerminal, kLog };

  // `total_bytes`: the input bytes of the `files` the run has to do (finished ones left out).
  Progress(Mode mode, uint64_t total_bytes, size_t files);

  // The next file: `documents` to do in all, of which `already_done` by an earlier run.
  void StartFile(uint64_t bytes, size_t documents, size_t already_done);
  // One answer of the current file: annotated, or refused by the server.
  void Document(bool refused);
  void EndFile();
  // A file that will not be done (refused: unreadable): its bytes leave the estimate.
  void DropFile(uint64_t bytes);
  // Ends the line in place, so that a message can be printed on a line of its own.
  void BreakLine();
  // The last update; ends the line.
  void Finish();

  size_t documents() const { return documents_; }
  double seconds() const;

 private:
  void Show(bool force);
  std::string Line() const;

  Mode mode_;
  std::chrono::steady_clock::time_point start_, last_shown_;
  uint64_t total_bytes_;
  size_t files_, file_index_ = 0;
  uint64_t finished_bytes_ = 0;  // files over
  uint64_t credited_bytes_ = 0;  // done by an earlier run: not part of this run's rate
  uint64_t file_bytes_ = 0;      // the current file
  size_t file_documents_ = 0, file_answered_ = 0;      // answered includes an earlier run's
  size_t documents_ = 0, refused_ = 0;                 // this run's answers
  size_t shown_documents_ = 0, shown_file_index_ = 0;  // at the last Show
  bool line_open_ = false;
};

}  // namespace bioner::client

#endif  // BIONER_CLIENT_PROGRESS_H_
