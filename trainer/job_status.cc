#include "trainer/job_status.h"

#include <cmath>
#include <ctime>
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

std::string JobStatusToJson(const JobStatus& s) {
  json j = {{"name", s.name},
            {"state", JobStateName(s.state)},
            {"queued_at", s.queued_at},
            {"started_at", s.started_at},
            {"finished_at", s.finished_at},
            {"pid", s.pid},
            {"attempts", s.attempts},
            {"epoch", s.epoch},
            {"epochs", s.epochs},
            {"step", s.step},
            {"total_steps", s.total_steps},
            {"train_loss", Num(s.train_loss)},
            {"learning_rate", Num(s.learning_rate)},
            {"tokens_per_second", Num(s.tokens_per_second)},
            {"dev_precision", Num(s.dev_precision)},
            {"dev_recall", Num(s.dev_recall)},
            {"dev_f1", Num(s.dev_f1)},
            {"version", s.version},
            {"version_dir", s.version_dir},
            {"selected_epoch", s.selected_epoch},
            {"resumed_from_epoch", s.resumed_from_epoch},
            {"final_dev_f1", Num(s.final_dev_f1)},
            {"final_test_f1", Num(s.final_test_f1)},
            {"promoted", s.promoted},
            {"promotion", s.promotion},
            {"error", s.error}};
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
    s.epoch = j.value("epoch", 0);
    s.epochs = j.value("epochs", 0);
    s.step = j.value("step", int64_t{0});
    s.total_steps = j.value("total_steps", int64_t{0});
    s.train_loss = GetNum(j, "train_loss");
    s.learning_rate = GetNum(j, "learning_rate");
    s.tokens_per_second = GetNum(j, "tokens_per_second");
    s.dev_precision = GetNum(j, "dev_precision");
    s.dev_recall = GetNum(j, "dev_recall");
    s.dev_f1 = GetNum(j, "dev_f1");
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

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace bioner::trainer
