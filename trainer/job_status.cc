#include "trainer/job_status.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace bioner::trainer {
namespace {

using nlohmann::json;

// JSON has no NaN; a non-finite number (a diverged loss) is written as null.
json Num(double v) { return std::isfinite(v) ? json(v) : json(); }

double GetNum(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || !it->is_number() ? 0.0 : it->get<double>();
}

}  // namespace

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "?";
}

StatusOr<JobState> ParseJobState(const std::string& name) {
  for (JobState s : kAllJobStates) {
    if (name == JobStateName(s)) return s;
  }
  return InvalidArgument("unknown job state '" + name + "'");
}

void MergeProgress(const train::TrainProgress& line, train::TrainProgress* merged) {
  using Event = train::TrainProgress::Event;
  train::TrainProgress& m = *merged;
  m.event = line.event;
  m.epoch = line.epoch;
  m.epochs = line.epochs;
  m.step = line.step;
  m.total_steps = line.total_steps;
  if (line.event != Event::kStart) {
    m.train_loss = line.train_loss;
    m.learning_rate = line.learning_rate;
    m.tokens_per_second = line.tokens_per_second;
  }
  if (line.event == Event::kEpoch) {
    m.dev_loss = line.dev_loss;
    m.dev_precision = line.dev_precision;
    m.dev_recall = line.dev_recall;
    m.dev_f1 = line.dev_f1;
    m.seconds = line.seconds;
  }
}

std::string JobStatusToJson(const JobStatus& s) {
  json j = {{"name", s.name},
            {"state", JobStateName(s.state)},
            {"queued_at", s.queued_at},
            {"started_at", s.started_at},
            {"finished_at", s.finished_at},
            {"pid", s.pid},
            {"attempts", s.attempts},
            {"version", s.version},
            {"version_dir", s.version_dir},
            {"selected_epoch", s.selected_epoch},
            {"resumed_from_epoch", s.resumed_from_epoch},
            {"final_dev_f1", Num(s.final_dev_f1)},
            {"final_test_f1", Num(s.final_test_f1)},
            {"promoted", s.promoted},
            {"promotion", s.promotion},
            {"error", s.error}};
  // Every key, whatever the last line's event: the dev scores of the last finished epoch
  // stay in the status while the next epoch's steps come in.
  train::ProgressToJson(s.progress, &j, train::ProgressKeys::kAll);
  return j.dump(2) + "\n";
}

StatusOr<JobStatus> ParseJobStatus(const std::string& text, const std::string& source) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument(source + ": not a JSON object");
  JobStatus s;
  try {
    s.name = j.value("name", "");
    ASSIGN_OR_RETURN(s.state, ParseJobState(j.value("state", "")));
    s.queued_at = j.value("queued_at", "");
    s.started_at = j.value("started_at", "");
    s.finished_at = j.value("finished_at", "");
    s.pid = j.value("pid", int64_t{0});
    s.attempts = j.value("attempts", 0);
    // A status written before it held the whole record has no "event": as a queued job's.
    ASSIGN_OR_RETURN(s.progress,
                     train::ProgressFromJson(j, source, train::TrainProgress::Event::kStart));
    s.version = j.value("version", int64_t{0});
    s.version_dir = j.value("version_dir", "");
    s.selected_epoch = j.value("selected_epoch", 0);
    s.resumed_from_epoch = j.value("resumed_from_epoch", 0);
    s.final_dev_f1 = GetNum(j, "final_dev_f1");
    s.final_test_f1 = GetNum(j, "final_test_f1");
    s.promoted = j.value("promoted", false);
    s.promotion = j.value("promotion", "");
    s.error = j.value("error", "");
  } catch (const json::exception& e) {
    return InvalidArgument(source + ": a field has the wrong type: " + e.what());
  }
  return s;
}

}  // namespace bioner::trainer
